import {
  type TicketRecord,
  type TicketSendContext,
  type TicketTransport,
  WEBHOOK_TYPE_BY_ACTION,
  webhookBody,
} from '@healops/core';
import { describeHost, httpRequest } from './http-request.js';
import { ticketEndpoint } from './ticket-endpoint.js';
import { ticketStatusError } from './ticket-status.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';

export interface WebhookTransportOptions {
  readonly url: string;
  /** The resolved HMAC key. */
  readonly secret: string;
  readonly timeoutMs: number;
}

/**
 * POSTs each ticket action as a signed JSON body (version 1, docs/webhooks.md) to the user's own receiver. The
 * delivery id (HealOps-Delivery, and `id` in the body) is the record's id: the same on every retry, so a receiver
 * deduplicates on it. The timestamp is taken, and the body signed, at each send.
 */
export class WebhookTransport implements TicketTransport {
  readonly secrets: readonly string[];
  readonly #url: URL;
  readonly #secret: string;
  readonly #timeoutMs: number;

  constructor(options: WebhookTransportOptions) {
    this.#url = ticketEndpoint(options.url, 'webhook');
    this.#secret = options.secret;
    this.#timeoutMs = options.timeoutMs;
    this.secrets = [options.secret];
  }

  /** Where deliveries go, for messages: the host only, as webhook paths often carry a token. */
  get endpoint(): string {
    return describeHost(this.#url);
  }

  get maxSendMs(): number {
    return this.#timeoutMs;
  }

  async send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    const body = JSON.stringify(webhookBody(record.id, record.event));
    const timestamp = Math.floor(context.now.getTime() / 1000);
    const response = await httpRequest({
      method: 'POST',
      url: this.#url,
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.delivery]: record.id,
        [WEBHOOK_HEADERS.event]: WEBHOOK_TYPE_BY_ACTION[record.event.action],
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(this.#secret, timestamp, body),
      },
      body,
      where: this.endpoint,
      timeoutMs: this.#timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const error = ticketStatusError(this.endpoint, response, context.now, this.secrets);
    if (error) throw error;
    return { ref: null };
  }
}
