import { nextRun, parseSchedule, type Schedule } from '../manifest/schedule.js';
import type { ResolvedCheck } from '../model/check.js';
import { type CycleReport, type CycleRequest, runCycle } from './cycle.js';
import type { EngineDeps } from './deps.js';
import { finishCycle } from './housekeeping.js';
import { Limit } from './limit.js';

interface Entry {
  readonly check: ResolvedCheck;
  readonly schedule: Schedule;
  due: number;
  running: boolean;
}

/** What stops the loop: `stop` ends scheduling (in-flight cycles finish); `abort` also kills in-flight scripts. */
export interface LoopSignals {
  readonly stop: AbortSignal;
  readonly abort?: AbortSignal;
}

/**
 * Runs every check on its own schedule until `signals.stop` aborts, then lets in-flight work finish and returns.
 * Everything is due once at start. Checks due at the same moment share a cycle (so parents run before their
 * dependants); a check still running when it falls due again is not started twice. A cycle that fails, or a
 * schedule that never fires again, is reported through the observer and never ends the loop.
 */
export async function runOnSchedule(
  deps: EngineDeps,
  request: CycleRequest,
  signals: LoopSignals,
  onCycle: (report: CycleReport) => void,
): Promise<void> {
  const { stop, abort } = signals;
  const limit = request.limit ?? new Limit(request.concurrency);
  const start = deps.clock.now().getTime();
  let entries: Entry[] = request.checks.map((check) => ({
    check,
    schedule: parseSchedule(check.schedule),
    due: start,
    running: false,
  }));
  const inFlight = new Set<Promise<void>>();
  // Delivery and the heartbeat run in the background, one at a time: a slow or dead store never holds back the
  // next due checks, and the stop signal is not kept waiting for it (abort also ends a delivery in progress).
  let finishing: Promise<void> | undefined;
  let finishAgain = false;
  const runner = request.runner ?? 'healops';
  const finish = (): Promise<void> => {
    if (request.dryRun) return Promise.resolve();
    if (finishing) {
      finishAgain = true;
      return finishing;
    }
    finishing = (async () => {
      do {
        finishAgain = false;
        await finishCycle(deps, runner, deps.clock.now(), abort).catch((error: unknown) =>
          deps.observer?.onPortError?.('metrics', error),
        );
      } while (finishAgain && !abort?.aborted);
    })().finally(() => {
      finishing = undefined;
    });
    return finishing;
  };
  let first = true;
  while (!stop.aborted) {
    const now = deps.clock.now().getTime();
    const due = entries.filter((e) => !e.running && e.due <= now);
    if (due.length > 0 || first) {
      for (const entry of due) {
        entry.running = true;
        try {
          entry.due = nextRun(entry.schedule, new Date(Math.max(now, entry.due))).getTime();
        } catch (error) {
          deps.observer?.onPortError?.(`schedule:${entry.check.package}/${entry.check.name}`, error);
          entry.due = Number.POSITIVE_INFINITY;
        }
      }
      // `stop` only ends scheduling: a cycle already started runs to the end unless `abort` fires too.
      const cycle = runCycle(
        deps,
        {
          ...request,
          checks: due.map((e) => e.check),
          skippedPackages: first ? request.skippedPackages : [],
          limit,
          deferFinish: true,
        },
        abort,
      )
        .then((report) => {
          onCycle(report);
          void finish();
        })
        .catch((error: unknown) => deps.observer?.onPortError?.('cycle', error))
        .finally(() => {
          for (const entry of due) entry.running = false;
          inFlight.delete(cycle);
        });
      inFlight.add(cycle);
      first = false;
      entries = entries.filter((e) => e.due !== Number.POSITIVE_INFINITY || e.running);
    }
    const idle = entries.filter((e) => !e.running);
    const next = idle.length > 0 ? Math.min(...idle.map((e) => e.due)) : now + 1000;
    // Wake at the next due time, or soon if everything is busy, so finished checks are picked up again.
    await deps.clock.sleep(Math.max(0, Math.min(next, now + 1000) - deps.clock.now().getTime()), stop);
  }
  await Promise.allSettled([...inFlight]);
  // One last delivery of what the final cycles recorded (ended early only by `abort`).
  await finishing;
  if (!abort?.aborted) await finish();
}
