import { z } from 'zod';
import { problemDedupKey } from '../engine/lifecycle.js';
import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckRun, RepairAttempt } from '../model/results.js';
import type { Problem } from '../model/state.js';
import { problemTicket } from '../tickets/problem-ticket.js';
import { truncate } from '../tickets/ticket-text.js';
import { checkedDetail } from './detail-errors.js';
import {
  bounded,
  commonDetailFields,
  EVENT_DETAIL_VERSION,
  isoTimeSchema,
  statusSchema,
} from './detail-fields.js';
import { HEALOPS_DETAIL_TYPES } from './detail-types.js';
import { EVENT_LIMITS } from './limits.js';
import { ticketEventDetail, ticketEventSchema } from './ticket-event-schema.js';

const DETAIL_TYPE = HEALOPS_DETAIL_TYPES.recovered;

/**
 * The detail of `HealOps Recovered`: a failing (check, target) passes again. With an open problem, `ticket` is its
 * resolve action; `problem` says what was closed.
 */
export const recoveredDetailSchema = z
  .strictObject({
    ...commonDetailFields,
    how: bounded(EVENT_LIMITS.line, 'How it recovered: after a repair, by itself, ...'),
    recoveredAt: isoTimeSchema.meta({ description: 'Start of the passing run' }),
    status: statusSchema,
    summary: bounded(EVENT_LIMITS.line, 'Summary of the passing run'),
    problem: z
      .strictObject({
        openedAt: isoTimeSchema,
        reason: bounded(EVENT_LIMITS.line),
        occurrences: z.int().min(1),
      })
      .nullable()
      .meta({ description: 'The problem this recovery closed; null when none was open' }),
    ticket: ticketEventSchema
      .extend({ action: z.literal('resolve') })
      .nullable()
      .meta({ description: "The problem's resolve action; null when no problem was open" }),
  })
  .meta({ title: 'HealOps Recovered event detail, version 1' });

export type RecoveredDetail = z.output<typeof recoveredDetailSchema>;

export interface RecoveredInput {
  readonly key: CheckKey;
  readonly check: Pick<ResolvedCheck, 'environment' | 'severity' | 'runbook'>;
  /** The passing run. */
  readonly run: CheckRun;
  /** The problem open before this run (null when none was: a repair fixed it before escalation). */
  readonly problem: Problem | null;
  /** e.g. `repaired (attempt 1)`, `recovered by itself`. */
  readonly how: string;
  readonly repairs: readonly RepairAttempt[];
  readonly at: Date;
  readonly correlationId: string;
}

/** The `HealOps Recovered` event of a passing run. Throws HealOpsEventError when a field is out of bounds. */
export function recoveredEvent(input: RecoveredInput): {
  readonly detailType: typeof DETAIL_TYPE;
  readonly detail: RecoveredDetail;
} {
  const { key, problem, run } = input;
  const ticket =
    problem === null
      ? null
      : problemTicket({
          action: 'resolve',
          key,
          problem,
          run,
          environment: input.check.environment,
          detail: input.how,
          repairs: input.repairs,
          at: input.at,
          ...(input.check.runbook === undefined ? {} : { runbook: input.check.runbook }),
        });
  const detail = {
    version: EVENT_DETAIL_VERSION,
    time: input.at.toISOString(),
    correlationId: input.correlationId,
    dedupKey: problem?.dedupKey ?? problemDedupKey(key),
    package: key.package,
    check: key.check,
    target: key.target,
    environment: input.check.environment,
    severity: problem?.severity ?? input.check.severity,
    how: truncate(input.how, EVENT_LIMITS.line),
    recoveredAt: run.startedAt,
    status: run.status,
    summary: truncate(run.summary, EVENT_LIMITS.line),
    problem:
      problem === null
        ? null
        : {
            openedAt: problem.openedAt,
            reason: truncate(problem.reason, EVENT_LIMITS.line),
            occurrences: problem.occurrences,
          },
    ticket: ticket === null ? null : ticketEventDetail(ticket),
  };
  return { detailType: DETAIL_TYPE, detail: checkedDetail(DETAIL_TYPE, recoveredDetailSchema, detail) };
}
