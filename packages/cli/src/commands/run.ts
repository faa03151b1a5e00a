import {
  type CycleReport,
  type CycleRequest,
  type DeliverySummary,
  type EngineDeps,
  formatDiagnostic,
  runCycle,
  runOnSchedule,
} from '@healops/core';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { HOST_PLATFORM, LOCAL_TARGET, localEngine } from '../local-engine.js';
import { out } from '../output.js';
import { progressLine, reportJson, runExitCode, summaryTable, totalsLine } from '../render/run-report.js';
import { sanitize } from '../render/sanitize.js';
import { loadWorkspace, type Workspace } from '../workspace.js';

export interface RunOptions {
  readonly once?: boolean;
  readonly package?: string;
  readonly check?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly home?: string;
  readonly config?: string;
  readonly concurrency: number;
}

function select(ws: Workspace, options: RunOptions): Pick<CycleRequest, 'checks' | 'skippedPackages'> {
  const wanted = (pkg: string, name: string) =>
    (!options.package || options.package === pkg) && (!options.check || options.check === name);
  const checks = ws.checks.filter((c) => wanted(c.package, c.name));
  const skippedPackages = ws.skipped
    .map((s) => ({ ...s, checks: s.checks.filter((name) => wanted(s.package, name)) }))
    .filter((s) => s.checks.length > 0);
  if (checks.length === 0 && skippedPackages.length === 0 && (options.package || options.check)) {
    const what = [
      options.package && `package "${options.package}"`,
      options.check && `check "${options.check}"`,
    ]
      .filter(Boolean)
      .join(' and ');
    throw new UsageError(
      `no ${what} among the loaded packages (${ws.packages.map((p) => p.name).join(', ') || 'none'})`,
    );
  }
  return { checks, skippedPackages };
}

/** `tickets: 1 delivered, 2 pending (receiver down: healops tickets)`. */
function ticketSummary(pass: DeliverySummary, pending: number, dead: number): string {
  const parts = [`${pass.delivered} delivered`];
  if (pending > 0) parts.push(pc.yellow(`${pending} pending`));
  if (dead > 0) parts.push(pc.red(`${dead} dead`));
  const hint = pending + dead > 0 ? pc.dim(' (healops tickets shows why)') : '';
  return `tickets: ${parts.join(', ')}${hint}`;
}

function printHuman(report: CycleReport, dryRun: boolean): void {
  out.line();
  out.line(summaryTable(report, out.width()));
  out.line();
  out.line(
    `${dryRun ? pc.cyan('dry run: nothing was repaired or recorded as state. ') : ''}${totalsLine(report)}`,
  );
}

/** `healops run`: one cycle with --once, else on every check's schedule until SIGINT/SIGTERM. */
export async function runCommand(paths: readonly string[], options: RunOptions): Promise<ExitCode> {
  const ws = await loadWorkspace(paths, options.config);
  for (const problem of ws.problems) out.error(sanitize(formatDiagnostic(problem)));
  if (ws.packages.length === 0) {
    out.error('healops: no valid package to run');
    return EXIT.usage;
  }
  const selection = select(ws, options);
  const home = resolveHome(options.home);
  const human = !options.json;
  const warn = (message: string) => out.error(sanitize(`healops: warning: ${message}`));
  const ticketPasses: DeliverySummary[] = [];
  const engine = await localEngine(home, {
    dryRun: options.dryRun === true,
    metrics: ws.metrics,
    tickets: ws.tickets,
    onTicketPass: (summary) => ticketPasses.push(summary),
    onSinkProblem: warn,
    observer: {
      ...(human ? { onOutcome: (o) => out.line(progressLine(o)) } : {}),
      onPortError: (port, error) =>
        warn(`${port}: ${error instanceof Error ? error.message : String(error)}`),
    },
  });
  const request: CycleRequest = {
    ...engine.settings,
    ...selection,
    targets: [LOCAL_TARGET],
    hostPlatform: HOST_PLATFORM,
    concurrency: options.concurrency,
  };
  try {
    if (options.once) {
      const tickets = engine.deps.tickets;
      const ticketLine = async (): Promise<string | undefined> => {
        if (!tickets) return undefined;
        const pass = ticketPasses.at(-1) ?? { delivered: 0, failed: 0, dead: 0 };
        const { pending, dead } = await tickets.outbox.counts();
        return ticketSummary(pass, pending, dead);
      };
      return await runOnce(
        engine.deps,
        request,
        home,
        options,
        ws.problems.map(formatDiagnostic),
        ticketLine,
      );
    }
    return await runForever(engine.deps, request, home, options);
  } finally {
    engine.close();
  }
}

/**
 * SIGINT/SIGTERM handling. --once: the first signal aborts the cycle (scripts' process groups are killed, repair
 * leases released) and the run exits 130. Scheduled: the first stops scheduling and lets in-flight work finish
 * (exit 0); the second also aborts in-flight work.
 */
function onSignals(handlers: Array<(signal: NodeJS.Signals) => void>): () => void {
  let count = 0;
  const handle = (signal: NodeJS.Signals) => {
    const handler = handlers[Math.min(count, handlers.length - 1)];
    count++;
    handler?.(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
}

async function runOnce(
  deps: EngineDeps,
  request: CycleRequest,
  home: string,
  options: RunOptions,
  problems: readonly string[],
  ticketLine: () => Promise<string | undefined>,
): Promise<ExitCode> {
  const abort = new AbortController();
  const release = onSignals([
    (signal) => {
      out.error(`healops: ${signal}: stopping the running checks and repairs`);
      abort.abort();
    },
  ]);
  try {
    if (!options.json)
      out.line(pc.dim(`healops: ${request.checks.length} checks and stats jobs, state in ${sanitize(home)}`));
    const report = await runCycle(deps, request, abort.signal);
    if (options.json) out.json(reportJson(report, problems));
    else {
      printHuman(report, request.dryRun);
      const line = await ticketLine();
      if (line) out.line(line);
    }
    if (abort.signal.aborted) return EXIT.interrupted;
    // A package that failed to load is a configuration error, even though the valid ones ran.
    return problems.length > 0 ? EXIT.usage : runExitCode(report);
  } finally {
    release();
  }
}

async function runForever(
  deps: EngineDeps,
  request: CycleRequest,
  home: string,
  options: RunOptions,
): Promise<ExitCode> {
  const stop = new AbortController();
  const abort = new AbortController();
  const release = onSignals([
    (signal) => {
      out.error(`healops: ${signal}: finishing in-flight checks (send again to stop them at once)`);
      stop.abort();
    },
    (signal) => {
      out.error(`healops: ${signal} again: stopping in-flight checks and repairs`);
      abort.abort();
    },
  ]);
  if (!options.json) {
    out.line(
      pc.dim(`healops: running ${request.checks.length} jobs on schedule, state in ${sanitize(home)}`),
    );
  }
  try {
    await runOnSchedule(deps, request, { stop: stop.signal, abort: abort.signal }, (report) => {
      if (options.json) out.line(JSON.stringify(reportJson(report, [])));
      else out.line(pc.dim(`  cycle done: ${totalsLine(report)}`));
    });
  } finally {
    release();
  }
  return abort.signal.aborted ? EXIT.interrupted : EXIT.ok;
}
