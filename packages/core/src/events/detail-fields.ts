import { z } from 'zod';
import { SEVERITIES, STATUS_CODES, type StatusName } from '../model/status.js';
import { UOMS } from '../nagios/types.js';
import { EVENT_LIMITS } from './limits.js';

// zod pieces shared by the detail schemas of HealOps events. Every string has a maximum length (see limits.ts).

/** Version of the detail shapes; additive changes (new optional fields) keep it. */
export const EVENT_DETAIL_VERSION = 1;

export const STATUS_NAME_TUPLE = Object.keys(STATUS_CODES) as [StatusName, ...StatusName[]];

export const isoTimeSchema = z.iso.datetime({ offset: true }).max(EVENT_LIMITS.time);
export const statusSchema = z.enum(STATUS_NAME_TUPLE);
export const eventSeveritySchema = z.enum(SEVERITIES);

export function bounded(max: number, description?: string) {
  const schema = z.string().max(max);
  return description === undefined ? schema : schema.meta({ description });
}

export function named(description: string) {
  return z.string().min(1).max(EVENT_LIMITS.identifier).meta({ description });
}

/** Fields every HealOps event detail carries, so a rule or consumer can route it without a lookup. */
export const commonDetailFields = {
  version: z.literal(EVENT_DETAIL_VERSION),
  time: isoTimeSchema.meta({ description: 'When HealOps emitted the event (also the entry Time)' }),
  correlationId: z
    .string()
    .min(1)
    .max(EVENT_LIMITS.key)
    .meta({ description: 'Follows one failure through check, repair, escalation and recovery' }),
  dedupKey: z
    .string()
    .min(1)
    .max(EVENT_LIMITS.key)
    .meta({ description: 'Stable per (package, check, target) problem; the ticket dedup key' }),
  package: named('Package name'),
  check: named('Check name'),
  target: named('Where the check ran: an instance id, managed node id or host'),
  environment: bounded(EVENT_LIMITS.short),
  severity: eventSeveritySchema,
};

export const repairAttemptSchema = z.strictObject({
  attempt: z.int().min(1),
  startedAt: isoTimeSchema,
  exitCode: z.int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
  output: bounded(EVENT_LIMITS.repairOutputExcerpt, 'Excerpt of the repair output'),
  verifyStatus: statusSchema
    .nullable()
    .meta({ description: 'Status of the verifying re-check; null when none ran' }),
  succeeded: z.boolean(),
});

/** A perfdata item as a check reported it; thresholds as written (`~:5`, `@10:20`). */
export const perfDatumSchema = z.strictObject({
  label: bounded(EVENT_LIMITS.perfdataLabel),
  value: z.number().nullable(),
  uom: z.enum(UOMS),
  warn: bounded(EVENT_LIMITS.threshold).optional(),
  crit: bounded(EVENT_LIMITS.threshold).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
