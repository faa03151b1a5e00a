import {
  type CheckFailedDetail,
  type CheckKey,
  type Decided,
  escalatedEvent,
  type HealOpsEvent,
  type Problem,
  type ResolvedCheck,
  recoveredEvent,
  repairFinishedEvent,
} from '@healops/core';

export interface OutcomeEventsInput {
  readonly detail: CheckFailedDetail;
  readonly key: CheckKey;
  readonly check: ResolvedCheck;
  readonly decided: Decided;
  /** The problem open before the repair (a recovery resolves it). */
  readonly problemBefore: Problem | null;
  /** The problem after the step (an escalation opened or refreshed it). */
  readonly problemAfter: Problem | null;
  readonly at: Date;
}

/**
 * What a repair step tells the bus: `HealOps Repair Succeeded|Failed` per attempt, then `HealOps Recovered` or
 * `HealOps Escalated` (nothing more for a step that was interrupted), all with the event's correlation id.
 */
export function outcomeEvents(input: OutcomeEventsInput): HealOpsEvent[] {
  const { detail, key, check, decided, at } = input;
  const correlationId = detail.correlationId;
  const attempts = decided.repair.attempts;
  const events: HealOpsEvent[] = attempts.map((attempt) =>
    repairFinishedEvent({ key, check, attempt, at, correlationId, idempotencyKey: detail.idempotencyKey }),
  );
  if (decided.outcome === 'recovered') {
    events.push(
      recoveredEvent({
        key,
        check,
        run: decided.last,
        problem: input.problemBefore,
        how: `repaired after ${attempts.length} attempt(s)`,
        repairs: attempts,
        at,
        correlationId,
      }),
    );
  } else if (decided.outcome === 'escalated' && input.problemAfter !== null) {
    events.push(
      escalatedEvent({
        key,
        check,
        problem: input.problemAfter,
        run: decided.last,
        detail: decided.detail ?? `still ${decided.last.status} after ${attempts.length} repair attempt(s)`,
        repairs: attempts,
        at,
        correlationId,
      }),
    );
  }
  return events;
}
