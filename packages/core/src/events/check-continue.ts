import { z } from 'zod';
import type { FleetHandle } from '../fleet/ports.js';
import { checkedDetail } from './detail-errors.js';
import { bounded, EVENT_DETAIL_VERSION, isoTimeSchema, named } from './detail-fields.js';
import { HEALOPS_DETAIL_TYPES } from './detail-types.js';
import { EVENT_LIMITS } from './limits.js';

const DETAIL_TYPE = HEALOPS_DETAIL_TYPES.checkContinue;

/** Bounds of a continuation: commands carried (unfinished ones only), and the lengths of their fields. */
export const CHECK_CONTINUE_LIMITS = {
  commands: 150,
  /** SSM job names are at most 64 characters (ssm/jobs.ts). */
  checkName: 64,
  commandId: 64,
} as const;

const fleetCommandSchema = z.strictObject({
  check: z.string().min(1).max(CHECK_CONTINUE_LIMITS.checkName),
  commandId: z.string().min(1).max(CHECK_CONTINUE_LIMITS.commandId),
  targetCount: z.int().min(0),
  requestedAt: isoTimeSchema,
});

/** A FleetHandle as a continuation carries it (without the hosts already seen: replays are skipped). */
export const fleetHandleSchema = z.strictObject({
  package: named('Package name'),
  startedAt: isoTimeSchema,
  commands: z.array(fleetCommandSchema).min(1).max(CHECK_CONTINUE_LIMITS.commands),
});

/**
 * The detail of `HealOps Check Continue`: a check run whose time ran out with results pending; the check function
 * picks it up again from `handle`.
 */
export const checkContinueDetailSchema = z
  .strictObject({
    version: z.literal(EVENT_DETAIL_VERSION),
    time: isoTimeSchema.meta({ description: 'When HealOps emitted the event (also the entry Time)' }),
    correlationId: z
      .string()
      .min(1)
      .max(EVENT_LIMITS.key)
      .meta({ description: 'The correlation id of the run being continued' }),
    dedupKey: z.string().min(1).max(EVENT_LIMITS.key).meta({
      description: 'Identifies the run and this continuation: `healops/<package>/run/<startedAt>#<n>`',
    }),
    package: named('Package name'),
    schedule: bounded(EVENT_LIMITS.short, 'The schedule expression that started the run'),
    continuation: z
      .int()
      .min(1)
      .meta({ description: 'How many times the run has been continued, this one included' }),
    pending: z.int().min(0).meta({ description: 'Invocations still pending when the time ran out' }),
    handle: fleetHandleSchema,
  })
  .meta({ title: 'HealOps Check Continue event detail, version 1' });

export type CheckContinueDetail = z.output<typeof checkContinueDetailSchema>;

export interface CheckContinueInput {
  readonly schedule: string;
  readonly handle: FleetHandle;
  readonly pending: number;
  /** 1 for the first continuation of a run. */
  readonly continuation: number;
  readonly at: Date;
  readonly correlationId: string;
}

/**
 * The `HealOps Check Continue` event for a run with work pending. The hosts already seen are left out (results
 * handed out again are recognised and skipped). Throws HealOpsEventError when the handle is out of bounds.
 */
export function checkContinueEvent(input: CheckContinueInput): {
  readonly detailType: typeof DETAIL_TYPE;
  readonly detail: CheckContinueDetail;
} {
  const { handle } = input;
  const detail = {
    version: EVENT_DETAIL_VERSION,
    time: input.at.toISOString(),
    correlationId: input.correlationId,
    dedupKey: `healops/${handle.package}/run/${handle.startedAt}#${input.continuation}`,
    package: handle.package,
    schedule: input.schedule,
    continuation: input.continuation,
    pending: input.pending,
    handle: {
      package: handle.package,
      startedAt: handle.startedAt,
      commands: handle.commands.map((c) => ({
        check: c.check,
        commandId: c.commandId,
        targetCount: c.targetCount,
        requestedAt: c.requestedAt,
      })),
    },
  };
  return { detailType: DETAIL_TYPE, detail: checkedDetail(DETAIL_TYPE, checkContinueDetailSchema, detail) };
}
