import {
  type CycleReport,
  type CycleRequest,
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
  for (const problem of ws.problems) out.error(formatDiagnostic(problem));
  if (ws.packages.length === 0) {
    out.error('healops: no valid package to run');
    return EXIT.usage;
  }
  const selection = select(ws, options);
  const home = resolveHome(options.home);
  const human = !options.json;
  const engine = localEngine(home, {
    dryRun: options.dryRun === true,
    observer: {
      ...(human ? { onOutcome: (o) => out.line(progressLine(o)) } : {}),
      onPortError: (port, error) =>
        out.error(`healops: warning: ${port}: ${error instanceof Error ? error.message : String(error)}`),
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
      if (human)
        out.line(pc.dim(`healops: ${selection.checks.length} checks and stats jobs, state in ${home}`));
      const report = await runCycle(engine.deps, request);
      if (options.json) out.json(reportJson(report, ws.problems.map(formatDiagnostic)));
      else printHuman(report, request.dryRun);
      return ws.problems.length > 0 ? EXIT.failed : runExitCode(report);
    }
    return await runForever(engine.deps, request, home, options);
  } finally {
    engine.close();
  }
}

async function runForever(
  deps: Parameters<typeof runOnSchedule>[0],
  request: CycleRequest,
  home: string,
  options: RunOptions,
): Promise<ExitCode> {
  const controller = new AbortController();
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      out.error(`healops: ${signal} again, exiting without waiting`);
      process.exit(130);
    }
    out.error(`healops: ${signal}: finishing in-flight checks (send again to exit at once)`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (!options.json)
    out.line(pc.dim(`healops: running ${request.checks.length} jobs on schedule, state in ${home}`));
  try {
    await runOnSchedule(deps, request, controller.signal, (report) => {
      if (options.json) out.line(JSON.stringify(reportJson(report, [])));
      else out.line(pc.dim(`  cycle done: ${totalsLine(report)}`));
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return EXIT.ok;
}
