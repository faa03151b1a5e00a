import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import {
  checkContinueDetailSchema,
  EVENT_LIMITS,
  HEALOPS_DETAIL_TYPES,
  HEALOPS_EVENT_SOURCE,
} from '@healops/core';
import { z } from 'zod';

// What the check function is invoked with: the payload of a package's EventBridge Scheduler schedule
// (`{ package, schedule }`, one schedule per (package, expression): core bundleSchedules), or the `HealOps Check
// Continue` event a run whose time ran out put on the bus (a rule routes it back here).

export const scheduledCheckSchema = z.strictObject({
  package: z.string().min(1).max(EVENT_LIMITS.short),
  schedule: z.string().min(1).max(EVENT_LIMITS.short),
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
