// What one EventBridge schedule (one per package and expression: bundleSchedules) hands the check function. The
// stack puts this object, as JSON, in the schedule's target Input; Scheduler replaces the context attribute with the
// time the invocation was scheduled for, the same on every retry and duplicate of that invocation, which is what
// the check function keys its idempotency on.

/** EventBridge Scheduler's context attribute for the scheduled time of an invocation (ISO 8601, UTC). */
export const SCHEDULER_SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** A schedule's target Input, before Scheduler fills in the scheduled time. */
export interface ScheduleInput {
  readonly package: string;
  /** The schedule expression, as the bundle's schedule names it (`rate(5 minutes)`, `cron(...)`). */
  readonly schedule: string;
  readonly scheduledTime: typeof SCHEDULER_SCHEDULED_TIME;
}

/** The exact Input the stack must give the schedule of (`pkg`, `schedule`). */
export function scheduleInput(pkg: string, schedule: string): ScheduleInput {
  return { package: pkg, schedule, scheduledTime: SCHEDULER_SCHEDULED_TIME };
}
