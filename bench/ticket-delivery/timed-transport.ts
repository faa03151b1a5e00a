import { performance } from 'node:perf_hooks';
import type { Clock, TicketRecord, TicketSendContext, TicketTransport } from '@healops/core';
import { PagerDutyTransport, WebhookTransport } from '@healops/sinks';
import { type Receiver, ROUTING_KEY, WEBHOOK_SECRET } from './loopback-receiver.js';

const TIMEOUT_MS = 10_000;

/** The transports the benchmarks drive through the deliverer. */
export type TransportMode = 'pagerduty' | 'webhook' | 'immediate';

/** Measures the time spent inside the wrapped transport's send, and when (by `clock`) each send started. */
export class TimedTransport implements TicketTransport {
  readonly ratePerMinute: number | undefined;
  readonly secrets: readonly string[] | undefined;
  readonly sentAt: number[] = [];
  sendMs = 0;
  readonly #inner: TicketTransport;
  readonly #clock: Clock;

  constructor(inner: TicketTransport, clock: Clock) {
    this.#inner = inner;
    this.#clock = clock;
    this.ratePerMinute = inner.ratePerMinute;
    this.secrets = inner.secrets;
  }

  async send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    this.sentAt.push(this.#clock.now().getTime());
    const start = performance.now();
    try {
      return await this.#inner.send(record, context);
    } finally {
      this.sendMs += performance.now() - start;
    }
  }
}

/** Answers at once: what is left is SQLite and the deliverer. */
const immediateTransport: TicketTransport = {
  send: async () => ({ ref: null }),
};

/** The transport of `mode`: the real PagerDuty or webhook transport sending to `receiver`, or one that answers at once. */
export function transportFor(mode: TransportMode, receiver: Receiver, rate: number): TicketTransport {
  switch (mode) {
    case 'pagerduty':
      return new PagerDutyTransport({
        url: `${receiver.url}/v2/enqueue`,
        routingKey: ROUTING_KEY,
        timeoutMs: TIMEOUT_MS,
        ratePerMinute: rate,
      });
    case 'webhook':
      return new WebhookTransport({
        url: `${receiver.url}/hooks/healops`,
        secret: WEBHOOK_SECRET,
        timeoutMs: TIMEOUT_MS,
      });
    case 'immediate':
      return immediateTransport;
  }
}
