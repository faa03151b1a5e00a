import { Cron } from 'croner';
import type { MaintenanceWindow } from '../model/check.js';

/** Windows without a time zone are read in UTC, like the check schedules, so they mean the same on every host. */
export const DEFAULT_MAINTENANCE_TIMEZONE = 'UTC';

function windowCron(cron: string, timezone: string | undefined): Cron {
  return new Cron(cron, { mode: '5-or-6-parts', timezone: timezone ?? DEFAULT_MAINTENANCE_TIMEZONE });
}

/** Returns undefined when `timezone` is an IANA time zone this runtime knows, otherwise the reason. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone ${JSON.stringify(timezone)} (expected an IANA name such as Europe/Berlin or UTC)`;
  }
}

/**
 * Returns undefined when `cron` is a valid maintenance-window start: a standard 5-field cron expression
 * (minute hour day-of-month month day-of-week; 6 fields with seconds first are accepted too), otherwise the reason.
 */
export function maintenanceCronProblem(cron: string): string | undefined {
  try {
    windowCron(cron, undefined);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return `invalid cron expression ${JSON.stringify(cron)}: ${reason}`;
  }
}

/**
 * The first window active at `now`, if any. A window is active when one of its cron fire times `t` (in the window's
 * time zone, UTC when none is given) satisfies t <= now < t + duration.
 */
export function isInMaintenance(
  windows: readonly MaintenanceWindow[],
  now: Date,
): MaintenanceWindow | undefined {
  return windows.find((window) => {
    if (window.durationMs <= 0) {
      return false;
    }
    // The first fire time strictly after (now - duration) starts a window that still covers `now` iff it is <= now.
    const start = windowCron(window.cron, window.timezone).nextRun(
      new Date(now.getTime() - window.durationMs),
    );
    return start !== null && start.getTime() <= now.getTime();
  });
}
