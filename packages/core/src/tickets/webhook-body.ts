import { z } from 'zod';
import { SEVERITIES, STATUS_NAMES } from '../model/status.js';
import type { TicketAction, TicketEvent } from './ticket-event.js';
import { truncate } from './ticket-text.js';

// The signed webhook's body, version 1. Documented in docs/webhooks.md; its JSON Schema is generated from this zod
// definition into schemas/healops-webhook-v1.schema.json. Additive changes (new optional fields, new event types
// a receiver may ignore) keep version 1; anything else is version 2, sent only to routes that ask for it.

export const WEBHOOK_VERSION = 1;
/** Bound on each output field, well under what receivers accept in one request. */
export const WEBHOOK_OUTPUT_MAX = 8000;

export const WEBHOOK_EVENT_TYPES = ['problem.opened', 'problem.updated', 'problem.resolved'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_TYPE_BY_ACTION = {
  trigger: 'problem.opened',
  update: 'problem.updated',
  resolve: 'problem.resolved',
} as const satisfies Record<TicketAction, WebhookEventType>;

const isoTime = z.iso.datetime({ offset: true });

const repairSchema = z.strictObject({
  attempt: z.int().min(1),
  startedAt: isoTime,
  exitCode: z.int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
  output: z.string(),
  verifyStatus: z.enum(STATUS_NAMES as [string, ...string[]]).nullable(),
  succeeded: z.boolean(),
});

export const webhookBodySchema = z
  .strictObject({
    version: z.literal(WEBHOOK_VERSION),
    id: z.string().min(1).meta({ description: 'Delivery id: the same on every retry of this delivery' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    occurredAt: isoTime.meta({ description: 'When HealOps saw what this event reports' }),
    problem: z.strictObject({
      dedupKey: z.string().min(1).meta({ description: 'Stable per (package, check, target) problem' }),
      package: z.string(),
      check: z.string(),
      target: z.string(),
      environment: z.string(),
      severity: z.enum(SEVERITIES),
      status: z.enum(STATUS_NAMES as [string, ...string[]]),
      summary: z.string(),
      reason: z
        .string()
        .meta({ description: 'Why a human is needed (budget, flapping, repair-failed, ...)' }),
      detail: z.string(),
      output: z.string().meta({ description: 'Excerpt of the check output' }),
      perfdata: z.array(z.strictObject({ label: z.string(), value: z.number().nullable(), uom: z.string() })),
      repairs: z.array(repairSchema),
      firstSeen: isoTime,
      runbook: z.string().optional(),
      links: z.array(z.strictObject({ href: z.string(), text: z.string() })),
      imageUrl: z.string().optional(),
    }),
  })
  .meta({ title: 'HealOps webhook body, version 1' });

export type WebhookBody = z.output<typeof webhookBodySchema>;

/** The body sent for one queued action; `id` is the delivery id. */
export function webhookBody(id: string, event: TicketEvent): WebhookBody {
  return {
    version: WEBHOOK_VERSION,
    id,
    type: WEBHOOK_TYPE_BY_ACTION[event.action],
    occurredAt: event.occurredAt,
    problem: {
      dedupKey: event.dedupKey,
      package: event.key.package,
      check: event.key.check,
      target: event.key.target,
      environment: event.environment,
      severity: event.severity,
      status: event.status,
      summary: event.summary,
      reason: event.reason,
      detail: event.detail,
      output: truncate(event.output, WEBHOOK_OUTPUT_MAX),
      perfdata: event.perfdata.map((p) => ({ label: p.label, value: p.value, uom: p.uom })),
      repairs: event.repairs.map((r) => ({ ...r, output: truncate(r.output, WEBHOOK_OUTPUT_MAX) })),
      firstSeen: event.firstSeen,
      ...(event.runbook === undefined ? {} : { runbook: event.runbook }),
      links: event.links.map((l) => ({ href: l.href, text: l.text })),
      ...(event.imageUrl === undefined ? {} : { imageUrl: event.imageUrl }),
    },
  };
}
