import { z } from 'zod';
import type { RepairAttempt } from '../model/results.js';
import { TICKET_ACTIONS, type TicketEvent } from '../tickets/ticket-event.js';
import { truncate } from '../tickets/ticket-text.js';
import {
  bounded,
  eventSeveritySchema,
  isoTimeSchema,
  named,
  repairAttemptSchema,
  statusSchema,
} from './detail-fields.js';
import { EVENT_LIMITS } from './limits.js';

/**
 * A TicketEvent (tickets/ticket-event.ts) as HealOps events carry it: the same fields, each bounded, so the notify
 * function queues the ticket without another lookup.
 */
export const ticketEventSchema = z.strictObject({
  action: z.enum(TICKET_ACTIONS),
  dedupKey: z.string().min(1).max(EVENT_LIMITS.key),
  key: z.strictObject({
    package: named('Package name'),
    check: named('Check name'),
    target: named('Target'),
  }),
  environment: bounded(EVENT_LIMITS.short),
  severity: eventSeveritySchema,
  status: statusSchema,
  summary: bounded(EVENT_LIMITS.line),
  reason: bounded(EVENT_LIMITS.line),
  detail: bounded(EVENT_LIMITS.detail),
  output: bounded(EVENT_LIMITS.outputExcerpt, 'Excerpt of the check output'),
  perfdata: z
    .array(
      z.strictObject({
        label: bounded(EVENT_LIMITS.perfdataLabel),
        value: z.number().nullable(),
        uom: bounded(EVENT_LIMITS.uom),
      }),
    )
    .max(EVENT_LIMITS.perfdata),
  repairs: z.array(repairAttemptSchema).max(EVENT_LIMITS.repairs),
  firstSeen: isoTimeSchema,
  occurredAt: isoTimeSchema,
  runbook: bounded(EVENT_LIMITS.url).optional(),
  links: z
    .array(z.strictObject({ href: bounded(EVENT_LIMITS.url), text: bounded(EVENT_LIMITS.line) }))
    .max(EVENT_LIMITS.links),
  imageUrl: bounded(EVENT_LIMITS.url).optional(),
});

export type TicketEventDetail = z.output<typeof ticketEventSchema>;

/** The most recent repair attempts, within the event bounds. */
export function boundRepairs(repairs: readonly RepairAttempt[]): RepairAttempt[] {
  return repairs.slice(-EVENT_LIMITS.repairs).map((r) => ({
    ...r,
    output: truncate(r.output, EVENT_LIMITS.repairOutputExcerpt),
  }));
}

function fits(url: string | undefined): url is string {
  return url !== undefined && url.length <= EVENT_LIMITS.url;
}

/**
 * `event` within the event bounds: texts cut with an ellipsis, the first perfdata items, the last repairs, the
 * first links. A URL is never cut (a cut URL leads elsewhere): one too long to carry is left out.
 */
export function ticketEventDetail(event: TicketEvent): TicketEventDetail {
  return {
    action: event.action,
    dedupKey: event.dedupKey,
    key: { package: event.key.package, check: event.key.check, target: event.key.target },
    environment: event.environment,
    severity: event.severity,
    status: event.status,
    summary: truncate(event.summary, EVENT_LIMITS.line),
    reason: truncate(event.reason, EVENT_LIMITS.line),
    detail: truncate(event.detail, EVENT_LIMITS.detail),
    output: truncate(event.output, EVENT_LIMITS.outputExcerpt),
    perfdata: event.perfdata.slice(0, EVENT_LIMITS.perfdata).map((p) => ({
      label: truncate(p.label, EVENT_LIMITS.perfdataLabel),
      value: p.value,
      uom: truncate(p.uom, EVENT_LIMITS.uom),
    })),
    repairs: boundRepairs(event.repairs),
    firstSeen: event.firstSeen,
    occurredAt: event.occurredAt,
    ...(fits(event.runbook) ? { runbook: event.runbook } : {}),
    links: event.links
      .filter((l) => fits(l.href))
      .slice(0, EVENT_LIMITS.links)
      .map((l) => ({ href: l.href, text: truncate(l.text, EVENT_LIMITS.line) })),
    ...(fits(event.imageUrl) ? { imageUrl: event.imageUrl } : {}),
  };
}
