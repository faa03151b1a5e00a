import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  type AlarmEvent,
  HEALOPS_DETAIL_TYPES,
  HEALOPS_EVENT_SOURCE,
  type HealOpsEventOf,
  parseAlarmEvent,
  parseHealOpsEvent,
} from '@healops/core';
import { z } from 'zod';
import { NotifyRecordError } from './errors.js';

// What the notify function is invoked with: an SQS batch (Powertools' SqsSchema) whose bodies are EventBridge
// events (Powertools' EventBridgeSchema, then HealOps' own schemas for the detail), or the scheduled drain
// `{ "drain": true }` that only runs a delivery pass.

/** The EventBridge Scheduler input of the periodic delivery pass. */
export const drainInputSchema = z.strictObject({ drain: z.literal(true) });

export const notifyInputSchema = z.union([SqsSchema, drainInputSchema]);
export type NotifyInput = z.output<typeof notifyInputSchema>;
export type SqsBatch = z.output<typeof SqsSchema>;

/** The detail-types the notify queue's rules route to it. */
export const NOTIFY_DETAIL_TYPES = [
  HEALOPS_DETAIL_TYPES.escalated,
  HEALOPS_DETAIL_TYPES.recovered,
  ALARM_EVENT_DETAIL_TYPE,
] as const;

export type WakeEvent =
  | HealOpsEventOf<typeof HEALOPS_DETAIL_TYPES.escalated>
  | HealOpsEventOf<typeof HEALOPS_DETAIL_TYPES.recovered>;

export type NotifyMessage =
  | { readonly kind: 'alarm'; readonly eventId: string; readonly event: AlarmEvent }
  /** Its ticket action is already in the outbox (queued with the state save that escalated or recovered). */
  | { readonly kind: 'wake'; readonly eventId: string; readonly event: WakeEvent };

export function isDrainInput(input: NotifyInput): input is z.output<typeof drainInputSchema> {
  return 'drain' in input;
}

/**
 * One SQS message body: an EventBridge event of a NOTIFY_DETAIL_TYPES type. Throws NotifyRecordError naming
 * `source` and what is wrong (never the body itself).
 */
export function parseNotifyMessage(body: string, source: string): NotifyMessage {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    throw new NotifyRecordError(`${source}: the body is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const envelope = EventBridgeSchema.safeParse(data);
  if (!envelope.success) {
    const problems = envelope.error.issues.map(
      (issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`,
    );
    throw new NotifyRecordError(`${source}: not an EventBridge event: ${problems.join('; ')}`, {
      cause: envelope.error,
    });
  }
  const { source: eventSource, 'detail-type': detailType, id } = envelope.data;
  try {
    if (eventSource === ALARM_EVENT_SOURCE && detailType === ALARM_EVENT_DETAIL_TYPE) {
      return { kind: 'alarm', eventId: id, event: parseAlarmEvent(data, source) };
    }
    if (
      eventSource === HEALOPS_EVENT_SOURCE &&
      (detailType === HEALOPS_DETAIL_TYPES.escalated || detailType === HEALOPS_DETAIL_TYPES.recovered)
    ) {
      const event = parseHealOpsEvent(detailType, envelope.data.detail);
      if (
        event.detailType === HEALOPS_DETAIL_TYPES.escalated ||
        event.detailType === HEALOPS_DETAIL_TYPES.recovered
      ) {
        return { kind: 'wake', eventId: id, event };
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotifyRecordError(detailType === ALARM_EVENT_DETAIL_TYPE ? reason : `${source}: ${reason}`, {
      cause: error,
    });
  }
  const expected = NOTIFY_DETAIL_TYPES.map((t) => JSON.stringify(t)).join(', ');
  throw new NotifyRecordError(
    `${source}: not a notification: source ${JSON.stringify(eventSource.slice(0, 64))}, detail-type ${JSON.stringify(detailType.slice(0, 128))} (expected one of ${expected})`,
  );
}
