import {
  pagerDutyDedupKey,
  pagerDutyEvent,
  type TicketRecord,
  type TicketSendContext,
  type TicketTransport,
} from '@healops/core';
import { describeEndpoint, httpRequest } from './http-request.js';
import { ticketEndpoint } from './ticket-endpoint.js';
import { configRefusal, ticketStatusError } from './ticket-status.js';

export interface PagerDutyTransportOptions {
  /** The Events API v2 enqueue URL (PAGERDUTY_EVENTS_URL; EU accounts may use events.eu.pagerduty.com). */
  readonly url: string;
  /** The resolved integration (routing) key. */
  readonly routingKey: string;
  readonly timeoutMs: number;
  /** Events per minute this routing key may send (PagerDuty allows 120). */
  readonly ratePerMinute: number;
}

/**
 * Sends ticket actions to the PagerDuty Events API v2: trigger and update as `trigger` (PagerDuty folds them into the
 * open alert of the dedup key), resolve as `resolve`. PagerDuty deduplicates on the dedup key, so sending a record
 * again is harmless. The ref is the dedup key sent.
 */
export class PagerDutyTransport implements TicketTransport {
  readonly ratePerMinute: number;
  readonly secrets: readonly string[];
  readonly #url: URL;
  readonly #routingKey: string;
  readonly #timeoutMs: number;

  constructor(options: PagerDutyTransportOptions) {
    this.#url = ticketEndpoint(options.url, 'pagerduty');
    this.#routingKey = options.routingKey;
    this.#timeoutMs = options.timeoutMs;
    this.ratePerMinute = options.ratePerMinute;
    this.secrets = [options.routingKey];
  }

  get maxSendMs(): number {
    return this.#timeoutMs;
  }

  /** Where events go (no query), for messages. */
  get endpoint(): string {
    return describeEndpoint(this.#url);
  }

  async send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    const response = await httpRequest({
      method: 'POST',
      url: this.#url,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(pagerDutyEvent(record.event, this.#routingKey)),
      timeoutMs: this.#timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const error = ticketStatusError(this.endpoint, response, context.now, this.secrets);
    if (error)
      throw configRefusal(
        error,
        /invalid routing[ _]key|'routing_key'/i,
        'check the route’s routingKey (an Events API v2 key)',
      );
    return { ref: pagerDutyDedupKey(record.event.dedupKey) };
  }
}
