import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import {
  checkContinueDetailSchema,
  EVENT_LIMITS,
  HEALOPS_DETAIL_TYPES,
  HEALOPS_EVENT_SOURCE,
} from '@healops/core';
import { z } from 'zod';

// What the check function is invoked with: the payload of a package's EventBridge Scheduler schedule
// (`{ package, schedule, scheduledTime }`, one schedule per (package, expression): core bundleSchedules, its Input
// core scheduleInput), or the `HealOps Check Continue` event a run whose time ran out put on the bus (a rule routes
// it back here).

export const scheduledCheckSchema = z.strictObject({
  package: z.string().min(1).max(EVENT_LIMITS.short),
  schedule: z.string().min(1).max(EVENT_LIMITS.short),
  /**
   * The time Scheduler scheduled the invocation for (its `<aws.scheduler.scheduled-time>` attribute, ISO 8601): the
   * same on a retry or duplicate, so it keys the run's idempotency. Optional so a manual invoke with
   * `{ package, schedule }` still runs (without idempotency).
   */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export const checkContinueEnvelopeSchema = EventBridgeSchema.extend({
  source: z.literal(HEALOPS_EVENT_SOURCE),
  'detail-type': z.literal(HEALOPS_DETAIL_TYPES.checkContinue),
  detail: checkContinueDetailSchema,
});

export const checkInputSchema = z.union([scheduledCheckSchema, checkContinueEnvelopeSchema]);
export type CheckInput = z.output<typeof checkInputSchema>;
export type ScheduledCheck = z.output<typeof scheduledCheckSchema>;

export function isScheduledCheck(input: CheckInput): input is ScheduledCheck {
  return !('detail' in input);
}

/** The package, schedule and continuation number an invocation is about. */
export function checkScope(input: CheckInput): {
  readonly package: string;
  readonly schedule: string;
  readonly continuation: number;
} {
  if (isScheduledCheck(input)) return { package: input.package, schedule: input.schedule, continuation: 0 };
  const { detail } = input;
  return { package: detail.package, schedule: detail.schedule, continuation: detail.continuation };
}

/** A Standard Schema issue, as Powertools Parser's ParseError carries them in its cause. */
interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

function isSchemaIssue(value: unknown): value is SchemaIssue {
  return typeof value === 'object' && value !== null && typeof (value as SchemaIssue).message === 'string';
}

/** `path: message` for each issue (`scheduledTime: Invalid ISO datetime`); the path left out at the top level. */
export function describeIssues(issues: unknown): string | undefined {
  if (!Array.isArray(issues) || !issues.every(isSchemaIssue)) return undefined;
  return issues
    .map((issue: SchemaIssue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}
