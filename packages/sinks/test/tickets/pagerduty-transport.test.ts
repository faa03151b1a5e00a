import { PAGERDUTY_DEDUP_KEY_MAX, pagerDutyDedupKey } from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PagerDutyTransport } from '../../src/tickets/pagerduty-transport.js';
import { type PagerDutyReceiver, startPagerDutyReceiver } from '../support/pagerduty-receiver.js';
import { makeTicketEvent, ROUTING_KEY, sendContext, ticketRecord } from '../support/ticket-records.js';
import { transportFailure } from '../support/transport-failure.js';

// PagerDutyTransport against a loopback Events API v2 that validates every body with PagerDuty's OpenAPI document
// and keeps alerts the way PagerDuty does.

let receiver: PagerDutyReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function pagerDuty(options: { routingKey?: string; timeoutMs?: number } = {}) {
  receiver = await startPagerDutyReceiver();
  const transport = new PagerDutyTransport({
    url: receiver.url,
    routingKey: options.routingKey ?? ROUTING_KEY,
    timeoutMs: options.timeoutMs ?? 5_000,
    ratePerMinute: 120,
  });
  return { receiver, transport };
}

const trigger = ticketRecord(makeTicketEvent({ action: 'trigger' }));
const update = ticketRecord(
  makeTicketEvent({ action: 'update', summary: 'web/nginx-up on web-1: still down' }),
);
const resolve = ticketRecord(makeTicketEvent({ action: 'resolve', status: 'ok' }));

describe('PagerDutyTransport delivery', () => {
  it('sends trigger, update and resolve as valid Events API v2 bodies: one incident, resolved', async () => {
    const { receiver, transport } = await pagerDuty();
    for (const record of [trigger, update, resolve]) {
      await expect(transport.send(record, sendContext())).resolves.toEqual({
        ref: 'healops/web/nginx-up/web-1',
      });
    }
    expect(receiver.problems).toEqual([]);
    expect(receiver.events.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    expect(receiver.events.map((e) => e.routing_key)).toEqual([ROUTING_KEY, ROUTING_KEY, ROUTING_KEY]);
    expect([...receiver.alerts.values()]).toEqual([
      {
        dedupKey: 'healops/web/nginx-up/web-1',
        status: 'resolved',
        incidents: 1,
        triggers: 2,
        summary: 'web/nginx-up on web-1: still down',
      },
    ]);
  });

  it('posts JSON with a HealOps User-Agent', async () => {
    const { receiver, transport } = await pagerDuty();
    await transport.send(trigger, sendContext());
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v2/enqueue');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^healops\/\d+\.\d+\.\d+/);
  });

  it('resolves the alert of a dedup key longer than PagerDuty takes, under the key it was triggered with', async () => {
    const { receiver, transport } = await pagerDuty();
    const dedupKey = `healops/web/${'very-long-check-name-'.repeat(20)}/web-1`;
    const sent = pagerDutyDedupKey(dedupKey);
    expect(sent.length).toBeLessThanOrEqual(PAGERDUTY_DEDUP_KEY_MAX);
    for (const action of ['trigger', 'resolve'] as const) {
      const result = await transport.send(ticketRecord(makeTicketEvent({ action, dedupKey })), sendContext());
      expect(result.ref).toBe(sent);
    }
    expect(receiver.problems).toEqual([]);
    expect(receiver.alerts.get(sent)).toMatchObject({ status: 'resolved', incidents: 1 });
  });

  it('exposes its rate limit and its secret', async () => {
    const { transport } = await pagerDuty();
    expect(transport.ratePerMinute).toBe(120);
    expect(transport.secrets).toEqual([ROUTING_KEY]);
    expect(transport.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue$/);
  });
});

describe('PagerDutyTransport failures', () => {
  it('an event PagerDuty refuses (400) is not retryable and carries PagerDuty’s errors', async () => {
    const { receiver, transport } = await pagerDuty();
    receiver.script({
      status: 400,
      body: JSON.stringify({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ["'payload.summary' is too long"],
      }),
    });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^HTTP 400 from http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue; /);
    expect(error.message).toContain("server said: Event object is invalid: 'payload.summary' is too long");
  });

  it('a 400 about the routing key is a misconfiguration: kept for a later try, key never quoted', async () => {
    const { receiver, transport } = await pagerDuty({ routingKey: 'too-short-key-1234' });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect(error.message).toContain('check the route’s routingKey');
    expect(error.message).not.toContain('too-short-key-1234');
    expect(receiver.problems).toEqual([]);
    expect(receiver.alerts.size).toBe(0);
  });

  it('429 with Retry-After is retryable after the time PagerDuty asks for', async () => {
    const { receiver, transport } = await pagerDuty();
    receiver.script({
      status: 429,
      headers: { 'retry-after': '30' },
      body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
    });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toMatch(/HTTP 429 .*arriving too quickly.*retry after 30 s/);
  });

  it('500 is retryable, and the next try opens the incident once', async () => {
    const { receiver, transport } = await pagerDuty();
    receiver.script({ status: 500, body: '{"status":"error","message":"Internal server error"}' });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/HTTP 500 .*Internal server error/);
    await expect(transport.send(trigger, sendContext())).resolves.toEqual({ ref: trigger.event.dedupKey });
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 202]);
    expect(receiver.alerts.get(trigger.event.dedupKey)).toMatchObject({ incidents: 1, triggers: 1 });
  });

  it('a refused connection is retryable, and delivery works once PagerDuty is back', async () => {
    const { receiver, transport } = await pagerDuty();
    await receiver.down();
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue: .*ECONNREFUSED/);
    await receiver.up();
    await expect(transport.send(trigger, sendContext())).resolves.toEqual({ ref: trigger.event.dedupKey });
  });

  it('a connection dropped without an answer is retryable', async () => {
    const { receiver, transport } = await pagerDuty();
    receiver.script({ destroy: true });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue/);
    expect(receiver.alerts.size).toBe(0);
  });

  it('an answer slower than the timeout is retryable', async () => {
    const { receiver, transport } = await pagerDuty({ timeoutMs: 100 });
    receiver.script({ status: 202, body: '{}', delayMs: 2_000 });
    const error = await transportFailure(transport.send(trigger, sendContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue within 100 ms/);
  });

  it("the caller's abort signal stops the request, retryable", async () => {
    const { receiver, transport } = await pagerDuty();
    receiver.script({ status: 202, body: '{}', delayMs: 2_000 });
    const controller = new AbortController();
    const sending = transport.send(trigger, sendContext(new Date(), controller.signal));
    setTimeout(() => controller.abort(), 50);
    const error = await transportFailure(sending);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/aborted/);
  });

  it.each([400, 500])(
    'never puts the routing key into an error, even when PagerDuty echoes the request (%i)',
    async (status) => {
      const { receiver, transport } = await pagerDuty();
      receiver.script((request) => ({
        status,
        body: JSON.stringify({
          status: 'error',
          message: `you sent ${request.body}`,
          errors: [`headers: ${JSON.stringify(request.headers)}`, `raw: ${JSON.stringify(request.body)}`],
        }),
      }));
      const error = await transportFailure(transport.send(trigger, sendContext()));
      expect(error.retryable).toBe(status !== 400);
      expect(error.message).toContain('"routing_key":"***"');
      expect(error.message).not.toContain(ROUTING_KEY);
      expect(String(error.cause ?? '')).not.toContain(ROUTING_KEY);
    },
  );
});
