import { HealOpsError } from '../errors.js';
import { isInMaintenance } from '../manifest/maintenance.js';
import { findCycles } from '../manifest/manifest-rules.js';
import type { ResolvedCheck, SkippedPackage } from '../model/check.js';
import type { CheckOutcome, RepairReport } from '../model/results.js';
import type { Platform } from '../model/status.js';
import { runCheckTask } from './check-task.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { finishCycle } from './housekeeping.js';
import { isFailingParent } from './lifecycle.js';
import { Limit } from './limit.js';

export interface CycleRequest extends RunSettings {
  readonly checks: readonly ResolvedCheck[];
  readonly skippedPackages: readonly SkippedPackage[];
  readonly targets: readonly string[];
  /** Platform of the targets; checks for another platform are reported `skipped`. */
  readonly hostPlatform: Exclude<Platform, 'any'>;
  readonly concurrency: number;
  /** Who runs this cycle (heartbeat dimension), e.g. `local:<host>`. */
  readonly runner?: string;
  /** Leave delivery and the heartbeat to the caller (the schedule loop does it in the background). */
  readonly deferFinish?: boolean;
  /** Share one limit between overlapping cycles (the schedule loop); default: a new one of `concurrency`. */
  readonly limit?: Limit;
}

export interface CycleReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: readonly CheckOutcome[];
  readonly stats: readonly CheckOutcome[];
}

const NOT_RUN: RepairReport = { attempted: false, succeeded: false, skippedReason: null, attempts: [] };

function notRun(
  check: { package: string; name: string; kind: 'check' | 'stats' },
  target: string,
  detail: string,
) {
  return {
    key: { package: check.package, check: check.name, target },
    kind: check.kind,
    status: 'unknown',
    initialStatus: 'unknown',
    outcome: 'skipped',
    repair: NOT_RUN,
    metrics: [],
    summary: detail,
    output: '',
    truncated: false,
    perfdataErrors: [],
    durationMs: 0,
    detail,
  } as const satisfies CheckOutcome;
}

/** Manifest validation rejects dependsOn cycles; this guard keeps a hand-built request from deadlocking a cycle. */
function assertAcyclic(checks: readonly ResolvedCheck[]): void {
  const edges = new Map(
    checks.map((c) => [`${c.package}/${c.name}`, c.dependsOn.map((p) => `${c.package}/${p}`)]),
  );
  const cycles = findCycles(edges);
  if (cycles.length > 0) {
    throw new HealOpsError(`dependsOn cycle: ${cycles.map((c) => c.join(' -> ')).join('; ')}`);
  }
}

function safely(deps: EngineDeps, port: string, action: () => Promise<void>): Promise<void> {
  return action().catch((error: unknown) => deps.observer?.onPortError?.(port, error));
}

function notify(action: () => void): void {
  try {
    action();
  } catch {
    // A broken progress display must never break a cycle.
  }
}

/**
 * One full cycle: every check and stats job once on every target, bounded concurrency, parents before their
 * dependants. A failing check, a hanging script or a broken port never stops the other checks.
 */
export async function runCycle(
  deps: EngineDeps,
  request: CycleRequest,
  signal?: AbortSignal,
): Promise<CycleReport> {
  assertAcyclic(request.checks);
  const startedAt = deps.clock.now().toISOString();
  const limit = request.limit ?? new Limit(request.concurrency);
  const outcomes: CheckOutcome[] = [];
  const running = new Map<string, Promise<CheckOutcome>>();
  const taskId = (pkg: string, name: string, target: string) => `${pkg}\u0000${name}\u0000${target}`;
  const byName = new Map(request.checks.map((c) => [`${c.package}\u0000${c.name}`, c]));

  const failingParents = async (check: ResolvedCheck, target: string): Promise<string[]> => {
    const failing: string[] = [];
    for (const parentName of check.dependsOn) {
      const parent = byName.get(`${check.package}\u0000${parentName}`);
      const inCycle = running.get(taskId(check.package, parentName, target));
      const parentOutcome = inCycle ? await inCycle : undefined;
      // A parent that was not run (other platform, not configured) says nothing about the child's health.
      const status = parentOutcome
        ? parentOutcome.outcome === 'skipped'
          ? null
          : parentOutcome.status
        : ((await deps.state.load({ package: check.package, check: parentName, target }))?.lastStatus ??
          null);
      if (isFailingParent(status, parent?.failOn ?? 'critical')) failing.push(parentName);
    }
    return failing;
  };

  const runOne = async (check: ResolvedCheck, target: string): Promise<CheckOutcome> => {
    if (check.platform !== 'any' && check.platform !== request.hostPlatform) {
      return notRun(check, target, `platform ${check.platform}: not run on a ${request.hostPlatform} target`);
    }
    // Wait for parents outside the concurrency limit so a parent can always get a slot.
    let parentsFailing: string[];
    try {
      parentsFailing = await failingParents(check, target);
    } catch (error) {
      deps.observer?.onPortError?.('state', error);
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...notRun(check, target, `could not read the state of its parents: ${message}`),
        outcome: 'unknown',
      };
    }
    if (signal?.aborted) return notRun(check, target, 'cycle interrupted before this check started');
    return limit.run(async () => {
      notify(() => deps.observer?.onCheckStart?.(check, target));
      try {
        const { outcome, collected } = await runCheckTask(
          deps,
          request,
          {
            check,
            target,
            failingParents: async () => parentsFailing,
            maintenance: (now) => isInMaintenance(check.maintenance, now),
          },
          signal,
        );
        // A dry run changes nothing: no state (check-task), no audit, no metrics.
        if (!request.dryRun) {
          await Promise.all([
            ...deps.sinks.map((sink) =>
              safely(deps, `metrics:${sink.name}`, () => sink.write(collected.points)),
            ),
            collected.events.length === 0
              ? Promise.resolve()
              : safely(deps, 'audit', () => deps.audit.append(collected.events)),
          ]);
          for (const event of collected.events) notify(() => deps.observer?.onAudit?.(event));
        }
        return outcome;
      } catch (error) {
        deps.observer?.onPortError?.('engine', error);
        const message = error instanceof Error ? error.message : String(error);
        return { ...notRun(check, target, `internal error: ${message}`), outcome: 'unknown' };
      }
    });
  };

  // Register every task before any starts, so a child listed before its parent still finds and awaits it.
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  for (const check of request.checks) {
    for (const target of request.targets) {
      const task = gate
        .then(() => runOne(check, target))
        .then((outcome) => {
          outcomes.push(outcome);
          notify(() => deps.observer?.onOutcome?.(outcome));
          return outcome;
        });
      running.set(taskId(check.package, check.name, target), task);
    }
  }
  open();
  for (const skippedPackage of request.skippedPackages) {
    for (const name of skippedPackage.checks) {
      for (const target of request.targets) {
        const outcome = notRun(
          { package: skippedPackage.package, name, kind: 'check' },
          target,
          skippedPackage.reason,
        );
        outcomes.push(outcome);
        notify(() => deps.observer?.onOutcome?.(outcome));
      }
    }
  }
  await Promise.all(running.values());
  if (!request.dryRun && !request.deferFinish) {
    await finishCycle(deps, request.runner ?? 'healops', deps.clock.now(), signal);
  }

  const order = (o: CheckOutcome) => `${o.key.package}\u0000${o.key.check}\u0000${o.key.target}`;
  const sorted = [...outcomes].sort((a, b) => order(a).localeCompare(order(b)));
  return {
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
    results: sorted.filter((o) => o.kind === 'check'),
    stats: sorted.filter((o) => o.kind === 'stats'),
  };
}
