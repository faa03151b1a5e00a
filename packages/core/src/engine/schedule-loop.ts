import { nextRun, parseSchedule, type Schedule } from '../manifest/schedule.js';
import type { ResolvedCheck } from '../model/check.js';
import { type CycleReport, type CycleRequest, runCycle } from './cycle.js';
import type { EngineDeps } from './deps.js';
import { Limit } from './limit.js';

interface Entry {
  readonly check: ResolvedCheck;
  readonly schedule: Schedule;
  due: number;
  running: boolean;
}

/**
 * Runs every check on its own schedule until `signal` aborts, then lets in-flight work finish and returns.
 * Everything is due once at start. Checks due at the same moment share a cycle (so parents run before their
 * dependants); a check still running when it falls due again is not started twice.
 */
export async function runOnSchedule(
  deps: EngineDeps,
  request: CycleRequest,
  signal: AbortSignal,
  onCycle: (report: CycleReport) => void,
): Promise<void> {
  const limit = request.limit ?? new Limit(request.concurrency);
  const start = deps.clock.now().getTime();
  const entries: Entry[] = request.checks.map((check) => ({
    check,
    schedule: parseSchedule(check.schedule),
    due: start,
    running: false,
  }));
  const inFlight = new Set<Promise<void>>();
  let first = true;
  while (!signal.aborted) {
    const now = deps.clock.now().getTime();
    const due = entries.filter((e) => !e.running && e.due <= now);
    if (due.length > 0 || first) {
      for (const entry of due) {
        entry.running = true;
        entry.due = nextRun(entry.schedule, new Date(Math.max(now, entry.due))).getTime();
      }
      // `signal` only stops scheduling: a cycle already started runs to the end (its scripts are not killed).
      const cycle = runCycle(deps, {
        ...request,
        checks: due.map((e) => e.check),
        skippedPackages: first ? request.skippedPackages : [],
        limit,
      })
        .then(onCycle)
        .finally(() => {
          for (const entry of due) entry.running = false;
          inFlight.delete(cycle);
        });
      inFlight.add(cycle);
      first = false;
    }
    const idle = entries.filter((e) => !e.running);
    const next = idle.length > 0 ? Math.min(...idle.map((e) => e.due)) : now + 1000;
    // Wake at the next due time, or soon if everything is busy, so finished checks are picked up again.
    await deps.clock.sleep(Math.max(0, Math.min(next, now + 1000) - deps.clock.now().getTime()), signal);
  }
  await Promise.allSettled([...inFlight]);
}
