import { openApiProblems } from '../../../core/test/support/tickets-openapi.js';
import {
  type LoopbackReceiver,
  type ReceivedRequest,
  type ReceiverReply,
  startLoopbackReceiver,
} from './loopback-receiver.js';

// PagerDuty's Events API v2 `/v2/enqueue` on a loopback port. Every body is validated against PagerDuty's OpenAPI
// document (violations go to `problems`: tests assert it stays empty) and against the rules the API enforces beyond
// it (a 32-character routing key, a payload on trigger, a dedup key on resolve) — an invalid event is answered 400
// as PagerDuty does. Accepted events update a PagerDuty-side model: one alert per dedup key, triggered until
// resolved, a trigger on an open alert folded into it, a trigger after a resolve opening a new incident.

export const ENQUEUE_PATH = '/v2/enqueue';

export const PAGERDUTY_ALERT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type PagerDutyAlertStatus = (typeof PAGERDUTY_ALERT_STATUSES)[number];

export interface PagerDutyAlert {
  readonly dedupKey: string;
  status: PagerDutyAlertStatus;
  /** Incidents opened for this key (a trigger after a resolve opens another). */
  incidents: number;
  /** Triggers received, folded ones included. */
  triggers: number;
  /** The payload summary of the latest trigger. */
  summary: string;
}

/** `script(...)` answers the next valid requests with those replies, in order, instead of accepting them. */
export interface PagerDutyReceiver extends LoopbackReceiver {
  /** The full enqueue URL. */
  readonly url: string;
  /** Bodies of the events accepted (202) and applied to the model. */
  readonly events: readonly Record<string, unknown>[];
  /** OpenAPI violations seen, `<request n>: <problem>`. */
  readonly problems: readonly string[];
  readonly alerts: ReadonlyMap<string, PagerDutyAlert>;
}

const ROUTING_KEY_LENGTH = 32;

export async function startPagerDutyReceiver(): Promise<PagerDutyReceiver> {
  const events: Record<string, unknown>[] = [];
  const problems: string[] = [];
  const alerts = new Map<string, PagerDutyAlert>();
  let received = 0;

  const answer = (request: ReceivedRequest, scripted: () => ReceiverReply | undefined): ReceiverReply => {
    const n = ++received;
    if (request.method !== 'POST' || request.url !== ENQUEUE_PATH) {
      return { status: 404, body: JSON.stringify({ status: 'not found', message: 'Not Found' }) };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return invalid(['Event object is not valid JSON']);
    }
    const schemaProblems = openApiProblems('pagerDutyEnqueue', body);
    problems.push(...schemaProblems.map((p) => `request ${n}: ${p}`));
    const errors = [...schemaProblems, ...ruleProblems(body)];
    if (errors.length > 0) return invalid(errors);
    const reply = scripted();
    if (reply) return reply;
    const event = body as Record<string, unknown>;
    const dedupKey = apply(alerts, event);
    events.push(event);
    return {
      status: 202,
      body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }),
    };
  };

  const receiver = await startLoopbackReceiver(answer);
  return { ...receiver, url: `${receiver.base}${ENQUEUE_PATH}`, events, problems, alerts };
}

function invalid(errors: readonly string[]): ReceiverReply {
  return {
    status: 400,
    body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }),
  };
}

/** What the Events API refuses beyond its OpenAPI document. */
function ruleProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const event = body as Record<string, unknown>;
  const out: string[] = [];
  if (typeof event.routing_key === 'string' && event.routing_key.length !== ROUTING_KEY_LENGTH) {
    out.push(`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`);
  }
  if (event.event_action === 'trigger' && (typeof event.payload !== 'object' || event.payload === null)) {
    out.push("'payload' is missing or blank");
  }
  if (event.event_action !== 'trigger' && (typeof event.dedup_key !== 'string' || event.dedup_key === '')) {
    out.push("'dedup_key' is missing or blank");
  }
  return out;
}

/** Applies an accepted event to the alerts; returns its dedup key. */
function apply(alerts: Map<string, PagerDutyAlert>, event: Record<string, unknown>): string {
  const dedupKey = typeof event.dedup_key === 'string' ? event.dedup_key : `generated-${alerts.size + 1}`;
  const alert = alerts.get(dedupKey);
  if (event.event_action === 'trigger') {
    const payload = event.payload as { summary?: unknown };
    const summary = typeof payload.summary === 'string' ? payload.summary : '';
    if (alert === undefined) {
      alerts.set(dedupKey, { dedupKey, status: 'triggered', incidents: 1, triggers: 1, summary });
      return dedupKey;
    }
    if (alert.status === 'resolved') {
      alert.incidents++;
      alert.status = 'triggered';
    }
    alert.triggers++;
    alert.summary = summary;
    return dedupKey;
  }
  // Acknowledging or resolving an unknown or resolved alert is accepted and does nothing, as PagerDuty does.
  if (alert !== undefined && alert.status !== 'resolved') {
    alert.status = event.event_action === 'resolve' ? 'resolved' : 'acknowledged';
  }
  return dedupKey;
}
