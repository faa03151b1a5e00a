import { z } from 'zod';
import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckRun, RepairAttempt } from '../model/results.js';
import type { Problem } from '../model/state.js';
import { problemTicket } from '../tickets/problem-ticket.js';
import { truncate } from '../tickets/ticket-text.js';
import { checkedDetail } from './detail-errors.js';
import { bounded, commonDetailFields, EVENT_DETAIL_VERSION, statusSchema } from './detail-fields.js';
import { HEALOPS_DETAIL_TYPES } from './detail-types.js';
import { EVENT_LIMITS } from './limits.js';
import { ticketEventDetail, ticketEventSchema } from './ticket-event-schema.js';

const DETAIL_TYPE = HEALOPS_DETAIL_TYPES.escalated;

/**
 * The detail of `HealOps Escalated`: a human is needed. `ticket` is the complete ticket action (trigger for a new
 * problem, update for a refreshed one), so the notify function queues it without another lookup.
 */
export const escalatedDetailSchema = z
  .strictObject({
    ...commonDetailFields,
    status: statusSchema,
    reason: bounded(
      EVENT_LIMITS.line,
      'Why a human is needed: a skip reason (budget, flapping, ...) or repair-failed',
    ),
    occurrences: z.int().min(1),
    ticket: ticketEventSchema.extend({ action: z.enum(['trigger', 'update']) }),
  })
  .meta({ title: 'HealOps Escalated event detail, version 1' });

export type EscalatedDetail = z.output<typeof escalatedDetailSchema>;

export interface EscalatedInput {
  readonly key: CheckKey;
  readonly check: Pick<ResolvedCheck, 'environment' | 'runbook'>;
  /** The problem as opened or refreshed by this escalation. */
  readonly problem: Problem;
  /** The run that escalated. */
  readonly run: CheckRun;
  /** Human-readable why (the skip detail, or what the repairs did). */
  readonly detail: string;
  readonly repairs: readonly RepairAttempt[];
  readonly at: Date;
  readonly correlationId: string;
}

/**
 * The `HealOps Escalated` event of a problem opened (first occurrence: a ticket trigger) or refreshed (update).
 * Throws HealOpsEventError when a field is out of bounds.
 */
export function escalatedEvent(input: EscalatedInput): {
  readonly detailType: typeof DETAIL_TYPE;
  readonly detail: EscalatedDetail;
} {
  const { problem, key } = input;
  const ticket = problemTicket({
    action: problem.occurrences > 1 ? 'update' : 'trigger',
    key,
    problem,
    run: input.run,
    environment: input.check.environment,
    detail: input.detail,
    repairs: input.repairs,
    at: input.at,
    ...(input.check.runbook === undefined ? {} : { runbook: input.check.runbook }),
  });
  const detail = {
    version: EVENT_DETAIL_VERSION,
    time: input.at.toISOString(),
    correlationId: input.correlationId,
    dedupKey: problem.dedupKey,
    package: key.package,
    check: key.check,
    target: key.target,
    environment: input.check.environment,
    severity: problem.severity,
    status: input.run.status,
    reason: truncate(problem.reason, EVENT_LIMITS.line),
    occurrences: problem.occurrences,
    ticket: ticketEventDetail(ticket),
  };
  return { detailType: DETAIL_TYPE, detail: checkedDetail(DETAIL_TYPE, escalatedDetailSchema, detail) };
}
