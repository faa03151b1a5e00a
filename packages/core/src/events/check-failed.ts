import { z } from 'zod';
import { problemDedupKey } from '../engine/lifecycle.js';
import type { ResolvedCheck } from '../model/check.js';
import type { CheckRun } from '../model/results.js';
import type { CheckState } from '../model/state.js';
import { PLATFORMS } from '../model/status.js';
import type { PerfDatum } from '../nagios/types.js';
import { truncate } from '../tickets/ticket-text.js';
import { checkedDetail } from './detail-errors.js';
import {
  bounded,
  commonDetailFields,
  EVENT_DETAIL_VERSION,
  isoTimeSchema,
  named,
  perfDatumSchema,
} from './detail-fields.js';
import { HEALOPS_DETAIL_TYPES } from './detail-types.js';
import { EVENT_LIMITS } from './limits.js';

const DETAIL_TYPE = HEALOPS_DETAIL_TYPES.checkFailed;

const repairPolicySchema = z.strictObject({
  document: bounded(EVENT_LIMITS.key, 'SSM Command document that runs the repair').optional(),
  command: bounded(
    EVENT_LIMITS.line,
    'The repair command as written in the manifest (parameters unexpanded)',
  ),
  maxAttempts: z.int().min(1),
  attemptsUsed: z.int().min(0).meta({ description: 'Repair rounds already spent on this failure' }),
  verifyAfterMs: z.int().min(0),
  timeoutMs: z.int().min(1),
  budget: z.strictObject({
    max: z.int().min(0),
    perMs: z.int().min(0),
    backoffMs: z.int().min(0),
  }),
});

/** The detail of `HealOps Check Failed`: a hard failure of one (check, target) for the repair function to act on. */
export const checkFailedDetailSchema = z
  .strictObject({
    ...commonDetailFields,
    idempotencyKey: z.string().min(1).max(EVENT_LIMITS.key).meta({
      description:
        '`<dedupKey>#<failure start or state version>`: the same for every delivery of one failure, so it is repaired once',
    }),
    packageVersion: bounded(EVENT_LIMITS.short),
    platform: z.enum(PLATFORMS),
    status: z.enum(['warning', 'critical']),
    exitCode: z.int().nullable(),
    summary: bounded(EVENT_LIMITS.line, 'First line of the check output, without perfdata'),
    output: bounded(EVENT_LIMITS.outputExcerpt, 'Excerpt of the check output'),
    outputTruncated: z.boolean().meta({ description: 'The output was cut (at capture or for this event)' }),
    perfdata: z.array(perfDatumSchema).max(EVENT_LIMITS.perfdata),
    runAt: isoTimeSchema.meta({ description: 'When the failing run started' }),
    durationMs: z.number().min(0),
    consecutiveFailures: z.int().min(1),
    failAfter: z.int().min(1),
    stateVersion: z
      .int()
      .min(0)
      .meta({ description: 'Version of the (check, target) state that saw the failure' }),
    flapping: z.boolean(),
    reportOnly: z.boolean(),
    dependsOn: z.array(named('Check in the same package')).max(EVENT_LIMITS.dependsOn),
    maintenance: z
      .array(
        z.strictObject({
          cron: bounded(EVENT_LIMITS.short),
          durationMs: z.int().min(0),
          timezone: bounded(EVENT_LIMITS.short).optional(),
        }),
      )
      .max(EVENT_LIMITS.maintenanceWindows),
    runbook: bounded(EVENT_LIMITS.url).optional(),
    repair: repairPolicySchema.nullable().meta({ description: 'null: the check has no repair (escalate)' }),
  })
  .meta({ title: 'HealOps Check Failed event detail, version 1' });

export type CheckFailedDetail = z.output<typeof checkFailedDetailSchema>;

export interface CheckFailedInput {
  readonly check: Pick<
    ResolvedCheck,
    | 'packageVersion'
    | 'environment'
    | 'severity'
    | 'platform'
    | 'failAfter'
    | 'repair'
    | 'dependsOn'
    | 'maintenance'
    | 'reportOnly'
    | 'runbook'
  >;
  /** The failing run. */
  readonly run: CheckRun;
  /** The state saved with this result (its version and failure counts). */
  readonly state: CheckState;
  readonly at: Date;
  readonly correlationId: string;
  /** Name of the SSM Command document that runs the package's repairs. */
  readonly repairDocument?: string;
  /**
   * When this failure started (ISO time of its first failing run), if known: the idempotency key then stays the
   * same for every event of this failure. Without it the key uses the state version.
   */
  readonly failureStartedAt?: string;
}

/** A perfdata item as events carry it: thresholds as written, infinite bounds left out. */
export function perfDatumDetail(p: PerfDatum): CheckFailedDetail['perfdata'][number] {
  return {
    label: truncate(p.label, EVENT_LIMITS.perfdataLabel),
    value: p.value !== null && Number.isFinite(p.value) ? p.value : null,
    uom: p.uom,
    ...(p.warn === undefined ? {} : { warn: truncate(p.warn.text, EVENT_LIMITS.threshold) }),
    ...(p.crit === undefined ? {} : { crit: truncate(p.crit.text, EVENT_LIMITS.threshold) }),
    ...(p.min === undefined || !Number.isFinite(p.min) ? {} : { min: p.min }),
    ...(p.max === undefined || !Number.isFinite(p.max) ? {} : { max: p.max }),
  };
}

/** `<dedupKey>#<failure start>`, or `<dedupKey>#v<state version>` when the start is not known. */
export function checkFailedIdempotencyKey(
  dedupKey: string,
  state: Pick<CheckState, 'version'>,
  failureStartedAt?: string,
): string {
  return `${dedupKey}#${failureStartedAt ?? `v${state.version}`}`;
}

/**
 * The `HealOps Check Failed` event of a hard failure (CRITICAL, or WARNING for `failOn: warning`). Throws
 * HealOpsEventError when the run is not a failure or a field is out of bounds (names longer than events carry).
 */
export function checkFailedEvent(input: CheckFailedInput): {
  readonly detailType: typeof DETAIL_TYPE;
  readonly detail: CheckFailedDetail;
} {
  const { check, run, state } = input;
  const key = run.key;
  const dedupKey = problemDedupKey(key);
  const output = truncate(run.output, EVENT_LIMITS.outputExcerpt);
  const repair = check.repair;
  const detail = {
    version: EVENT_DETAIL_VERSION,
    time: input.at.toISOString(),
    correlationId: input.correlationId,
    dedupKey,
    package: key.package,
    check: key.check,
    target: key.target,
    environment: check.environment,
    severity: check.severity,
    idempotencyKey: checkFailedIdempotencyKey(dedupKey, state, input.failureStartedAt),
    packageVersion: check.packageVersion,
    platform: check.platform,
    status: run.status,
    exitCode: run.exitCode,
    summary: truncate(run.summary, EVENT_LIMITS.line),
    output,
    outputTruncated: run.truncated || output !== run.output,
    perfdata: run.perfdata.slice(0, EVENT_LIMITS.perfdata).map(perfDatumDetail),
    runAt: run.startedAt,
    durationMs: run.durationMs,
    consecutiveFailures: state.consecutiveFailures,
    failAfter: check.failAfter,
    stateVersion: state.version,
    flapping: state.flapping,
    reportOnly: check.reportOnly,
    dependsOn: [...check.dependsOn],
    maintenance: check.maintenance.map((w) => ({
      cron: w.cron,
      durationMs: w.durationMs,
      ...(w.timezone === undefined ? {} : { timezone: w.timezone }),
    })),
    ...(check.runbook === undefined ? {} : { runbook: check.runbook }),
    repair:
      repair === undefined
        ? null
        : {
            ...(input.repairDocument === undefined ? {} : { document: input.repairDocument }),
            command: truncate(repair.command.display, EVENT_LIMITS.line),
            maxAttempts: repair.maxAttempts,
            attemptsUsed: state.incidentRepairs,
            verifyAfterMs: repair.verifyAfterMs,
            timeoutMs: repair.timeoutMs,
            budget: {
              max: repair.budget.max,
              perMs: repair.budget.perMs,
              backoffMs: repair.budget.backoffMs,
            },
          },
  };
  return { detailType: DETAIL_TYPE, detail: checkedDetail(DETAIL_TYPE, checkFailedDetailSchema, detail) };
}
