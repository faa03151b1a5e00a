import type { Severity } from '../model/status.js';
import type { TicketEvent } from './ticket-event.js';
import { fnv1a64, isHttpsUrl, isoTime, oneLine, perfValue, truncate } from './ticket-text.js';

/** PagerDuty Events API v2 limits (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** Our own bounds, well under the API's 512 KB per event. */
export const PAGERDUTY_OUTPUT_MAX = 8000;
export const PAGERDUTY_REPAIR_OUTPUT_MAX = 2000;
export const PAGERDUTY_CLIENT = 'HealOps';

export const PAGERDUTY_SEVERITIES = {
  critical: 'critical',
  error: 'error',
  warning: 'warning',
  info: 'info',
} as const satisfies Record<Severity, 'critical' | 'error' | 'warning' | 'info'>;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[Severity];

export interface PagerDutyLink {
  readonly href: string;
  readonly text: string;
}

export interface PagerDutyImage {
  readonly src: string;
  readonly alt: string;
}

export interface PagerDutyRepairDetail {
  readonly attempt: number;
  readonly started_at: string;
  readonly exit_code: number | null;
  readonly timed_out: boolean;
  readonly duration_ms: number;
  readonly verify_status: string | null;
  readonly outcome: 'succeeded' | 'failed';
  readonly output: string;
}

export interface PagerDutyCustomDetails {
  readonly status: string;
  readonly environment: string;
  readonly reason: string;
  readonly detail: string;
  readonly output: string;
  readonly perfdata: Readonly<Record<string, string>>;
  readonly repairs: readonly PagerDutyRepairDetail[];
  readonly first_seen: string;
  readonly runbook?: string;
}

export interface PagerDutyTriggerBody {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly client: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly component: string;
    readonly group: string;
    readonly class: string;
    readonly timestamp?: string;
    readonly custom_details: PagerDutyCustomDetails;
  };
  readonly links?: readonly PagerDutyLink[];
  readonly images?: readonly PagerDutyImage[];
}

export interface PagerDutyResolveBody {
  readonly routing_key: string;
  readonly event_action: 'resolve';
  readonly dedup_key: string;
}

export type PagerDutyEventBody = PagerDutyTriggerBody | PagerDutyResolveBody;

/**
 * The body for `POST https://events.pagerduty.com/v2/enqueue`. `trigger` and `update` both send a trigger: PagerDuty
 * folds a trigger with an open dedup_key into the same alert. `resolve` sends only what the API needs.
 */
export function pagerDutyEvent(event: TicketEvent, routingKey: string): PagerDutyEventBody {
  if (event.action === 'resolve') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: pagerDutyDedupKey(event.dedupKey) };
  }
  const timestamp = isoTime(event.occurredAt);
  const links = pagerDutyLinks(event);
  const images = isHttpsUrl(event.imageUrl)
    ? [{ src: event.imageUrl, alt: `Graph: ${event.key.check}` }]
    : [];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: pagerDutyDedupKey(event.dedupKey),
    client: PAGERDUTY_CLIENT,
    payload: {
      summary: truncate(oneLine(event.summary), PAGERDUTY_SUMMARY_MAX),
      source: event.key.target,
      severity: PAGERDUTY_SEVERITIES[event.severity],
      component: event.key.package,
      group: event.environment,
      class: event.key.check,
      ...(timestamp === undefined ? {} : { timestamp }),
      custom_details: customDetails(event),
    },
    ...(links.length > 0 ? { links } : {}),
    ...(images.length > 0 ? { images } : {}),
  };
}

/**
 * The dedup_key sent for `dedupKey`: itself when it fits PagerDuty's 255 characters, else a stable cut plus the
 * FNV-1a hash of the whole key (so trigger and resolve always agree, and long keys stay apart).
 */
export function pagerDutyDedupKey(dedupKey: string): string {
  if (dedupKey.length <= PAGERDUTY_DEDUP_KEY_MAX) return dedupKey;
  const head = truncate(dedupKey, PAGERDUTY_DEDUP_KEY_MAX - 17).replace(/…$/, '');
  return `${head}~${fnv1a64(dedupKey)}`;
}

function pagerDutyLinks(event: TicketEvent): PagerDutyLink[] {
  const links: PagerDutyLink[] = [];
  const seen = new Set<string>();
  const add = (href: string | undefined, text: string): void => {
    if (!isHttpsUrl(href) || seen.has(href)) return;
    seen.add(href);
    links.push({ href, text });
  };
  add(event.runbook, 'Runbook');
  for (const link of event.links) add(link.href, link.text);
  return links;
}

function customDetails(event: TicketEvent): PagerDutyCustomDetails {
  const perfdata: Record<string, string> = {};
  for (const p of event.perfdata) perfdata[p.label] = perfValue(p.value, p.uom);
  return {
    status: event.status.toUpperCase(),
    environment: event.environment,
    reason: event.reason,
    detail: event.detail,
    output: truncate(event.output, PAGERDUTY_OUTPUT_MAX),
    perfdata,
    repairs: event.repairs.map((r) => ({
      attempt: r.attempt,
      started_at: r.startedAt,
      exit_code: r.exitCode,
      timed_out: r.timedOut,
      duration_ms: r.durationMs,
      verify_status: r.verifyStatus,
      outcome: r.succeeded ? 'succeeded' : 'failed',
      output: truncate(r.output, PAGERDUTY_REPAIR_OUTPUT_MAX),
    })),
    first_seen: event.firstSeen,
    ...(event.runbook === undefined ? {} : { runbook: event.runbook }),
  };
}
