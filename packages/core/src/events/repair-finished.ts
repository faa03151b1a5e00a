import { z } from 'zod';
import { problemDedupKey } from '../engine/lifecycle.js';
import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { RepairAttempt } from '../model/results.js';
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

/** Why a repair attempt did not fix the check. */
export const REPAIR_FAILURES = ['timed-out', 'exit-code', 'verify-failed'] as const;
export type RepairFailure = (typeof REPAIR_FAILURES)[number];

const attemptSchema = z.strictObject({
  number: z.int().min(1).meta({ description: 'Attempt number within this failure (1 = first)' }),
  startedAt: isoTimeSchema,
  exitCode: z
    .int()
    .nullable()
    .meta({ description: 'null: the repair did not exit (timed out, killed, not started)' }),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
  output: bounded(EVENT_LIMITS.outputExcerpt, 'Excerpt of the repair output'),
  outputTruncated: z.boolean(),
  verifyStatus: statusSchema
    .nullable()
    .meta({ description: 'Status of the verifying re-check; null when none ran' }),
});

const repairFields = {
  ...commonDetailFields,
  idempotencyKey: z
    .string()
    .min(1)
    .max(EVENT_LIMITS.key)
    .meta({ description: 'Idempotency key of the Check Failed event this repair answered' }),
  packageVersion: bounded(EVENT_LIMITS.short),
  attempt: attemptSchema,
  maxAttempts: z.int().min(1),
  commandId: bounded(
    EVENT_LIMITS.key,
    'SSM Run Command id of the repair, when it ran through SSM',
  ).optional(),
};

/** The detail of `HealOps Repair Succeeded`: a repair ran and the re-check passed. */
export const repairSucceededDetailSchema = z
  .strictObject(repairFields)
  .meta({ title: 'HealOps Repair Succeeded event detail, version 1' });

/** The detail of `HealOps Repair Failed`: a repair attempt did not fix the check. */
export const repairFailedDetailSchema = z
  .strictObject({
    ...repairFields,
    failure: z.enum(REPAIR_FAILURES),
    attemptsLeft: z
      .int()
      .min(0)
      .meta({ description: 'Attempts this failure may still get (0: it escalates)' }),
  })
  .meta({ title: 'HealOps Repair Failed event detail, version 1' });

export type RepairSucceededDetail = z.output<typeof repairSucceededDetailSchema>;
export type RepairFailedDetail = z.output<typeof repairFailedDetailSchema>;

export interface RepairFinishedInput {
  readonly key: CheckKey;
  readonly check: Pick<ResolvedCheck, 'packageVersion' | 'environment' | 'severity'> & {
    readonly repair?: Pick<NonNullable<ResolvedCheck['repair']>, 'maxAttempts'>;
  };
  readonly attempt: RepairAttempt;
  readonly at: Date;
  readonly correlationId: string;
  /** Idempotency key of the Check Failed event being answered. */
  readonly idempotencyKey: string;
  readonly commandId?: string;
}

export function repairFailureKind(attempt: RepairAttempt): RepairFailure {
  if (attempt.timedOut) return 'timed-out';
  if (attempt.exitCode !== 0) return 'exit-code';
  return 'verify-failed';
}

export type RepairFinishedEvent =
  | {
      readonly detailType: typeof HEALOPS_DETAIL_TYPES.repairSucceeded;
      readonly detail: RepairSucceededDetail;
    }
  | { readonly detailType: typeof HEALOPS_DETAIL_TYPES.repairFailed; readonly detail: RepairFailedDetail };

/**
 * `HealOps Repair Succeeded` or `HealOps Repair Failed` for one repair attempt, by `attempt.succeeded`. Throws
 * HealOpsEventError when a field is out of bounds.
 */
export function repairFinishedEvent(input: RepairFinishedInput): RepairFinishedEvent {
  const { attempt, key } = input;
  const maxAttempts = Math.max(input.check.repair?.maxAttempts ?? 1, attempt.attempt);
  const output = truncate(attempt.output, EVENT_LIMITS.outputExcerpt);
  const common = {
    version: EVENT_DETAIL_VERSION,
    time: input.at.toISOString(),
    correlationId: input.correlationId,
    dedupKey: problemDedupKey(key),
    package: key.package,
    check: key.check,
    target: key.target,
    environment: input.check.environment,
    severity: input.check.severity,
    idempotencyKey: input.idempotencyKey,
    packageVersion: input.check.packageVersion,
    attempt: {
      number: attempt.attempt,
      startedAt: attempt.startedAt,
      exitCode: attempt.exitCode,
      timedOut: attempt.timedOut,
      durationMs: attempt.durationMs,
      output,
      outputTruncated: output !== attempt.output,
      verifyStatus: attempt.verifyStatus,
    },
    maxAttempts,
    ...(input.commandId === undefined ? {} : { commandId: input.commandId }),
  };
  if (attempt.succeeded) {
    const detailType = HEALOPS_DETAIL_TYPES.repairSucceeded;
    return { detailType, detail: checkedDetail(detailType, repairSucceededDetailSchema, common) };
  }
  const detailType = HEALOPS_DETAIL_TYPES.repairFailed;
  const detail = {
    ...common,
    failure: repairFailureKind(attempt),
    attemptsLeft: maxAttempts - attempt.attempt,
  };
  return { detailType, detail: checkedDetail(detailType, repairFailedDetailSchema, detail) };
}
