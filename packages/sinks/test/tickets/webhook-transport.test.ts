import { readFileSync } from 'node:fs';
import { TICKET_ACTIONS, type TicketTransport, webhookBodySchema } from '@healops/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookTransport } from '../../src/tickets/webhook-transport.js';
import { makeTicketEvent, sendContext, ticketRecord } from '../support/ticket-records.js';
import { transportFailure } from '../support/transport-failure.js';
import { startWebhookReceiver, verifyWithPython, type WebhookReceiver } from '../support/webhook-receiver.js';

// WebhookTransport against a loopback consumer; signatures are checked by Python's hmac, not by our own code.

const SECRET = 'whsec-Zq8m2L0pX4nVt7Rk';
const NOW = new Date('2026-03-01T10:02:00.000Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);

const schemaFile = new URL('../../../../schemas/healops-webhook-v1.schema.json', import.meta.url);
const ajv = new Ajv2020({ allErrors: true });
ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
const validateWithJsonSchema = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function webhook(options: { secret?: string; timeoutMs?: number } = {}) {
  receiver = await startWebhookReceiver();
  const transport = new WebhookTransport({
    url: receiver.url,
    secret: options.secret ?? SECRET,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  return { receiver, transport };
}

function header(value: string | string[] | undefined): string {
  expect(typeof value).toBe('string');
  return value as string;
}

describe('WebhookTransport delivery', () => {
  it.each([
    ['trigger', 'problem.opened'],
    ['update', 'problem.updated'],
    ['resolve', 'problem.resolved'],
  ] as const)('%s: POSTs a signed JSON body with event type %s', async (action, type) => {
    const { receiver, transport } = await webhook();
    const record = ticketRecord(makeTicketEvent({ action }));
    await expect(transport.send(record, sendContext(NOW))).resolves.toEqual({ ref: null });
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery?.method).toBe('POST');
    expect(delivery?.url).toBe('/hooks/healops');
    const headers = delivery?.headers ?? {};
    expect(headers['content-type']).toBe('application/json');
    expect(headers['healops-delivery']).toBe(record.id);
    expect(headers['healops-event']).toBe(type);
    expect(headers['healops-timestamp']).toBe(NOW_SECONDS);
    expect(header(headers['healops-signature'])).toMatch(/^v1=[0-9a-f]{64}$/);
    const raw = delivery?.raw ?? Buffer.alloc(0);
    expect(verifyWithPython(SECRET, NOW_SECONDS, raw, header(headers['healops-signature']))).toBe(true);
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({
      version: 1,
      id: record.id,
      type,
      problem: { dedupKey: record.event.dedupKey },
    });
  });

  it('every body validates against webhookBodySchema and schemas/healops-webhook-v1.schema.json', async () => {
    const { receiver, transport } = await webhook();
    const events = [
      ...TICKET_ACTIONS.map((action) => makeTicketEvent({ action })),
      makeTicketEvent({ runbook: undefined, imageUrl: undefined, repairs: [], perfdata: [], links: [] }),
      makeTicketEvent({ output: 'ü€ '.repeat(5_000), detail: 'quotes " and \\ and\nnewlines' }),
    ];
    for (const event of events) await transport.send(ticketRecord(event), sendContext(NOW));
    expect(receiver.deliveries).toHaveLength(events.length);
    for (const delivery of receiver.deliveries) {
      const body: unknown = JSON.parse(delivery.body);
      expect(webhookBodySchema.safeParse(body).error).toBeUndefined();
      validateWithJsonSchema(body);
      expect(validateWithJsonSchema.errors ?? []).toEqual([]);
    }
    // The JSON Schema has teeth: an unknown field and a wrong version are refused.
    const first = JSON.parse(receiver.deliveries[0]?.body ?? '{}') as Record<string, unknown>;
    expect(validateWithJsonSchema({ ...first, extra: true })).toBe(false);
    expect(validateWithJsonSchema({ ...first, version: 2 })).toBe(false);
  });

  it('keeps the delivery id across two sends of one record, with a fresh timestamp and signature each', async () => {
    const { receiver, transport } = await webhook();
    const record = ticketRecord();
    const later = new Date(NOW.getTime() + 90_000);
    await transport.send(record, sendContext(NOW));
    await transport.send(record, sendContext(later));
    const [first, second] = receiver.deliveries;
    expect(first?.headers['healops-delivery']).toBe(record.id);
    expect(second?.headers['healops-delivery']).toBe(record.id);
    expect(JSON.parse(first?.body ?? '{}').id).toBe(record.id);
    expect(JSON.parse(second?.body ?? '{}').id).toBe(record.id);
    expect(second?.headers['healops-timestamp']).toBe(String(later.getTime() / 1000));
    for (const delivery of [first, second]) {
      const timestamp = header(delivery?.headers['healops-timestamp']);
      const signature = header(delivery?.headers['healops-signature']);
      expect(verifyWithPython(SECRET, timestamp, delivery?.raw ?? '', signature)).toBe(true);
    }
    expect(first?.headers['healops-signature']).not.toBe(second?.headers['healops-signature']);
  });

  it('a tampered body, another timestamp or another secret fails Python’s verification', async () => {
    const { receiver, transport } = await webhook();
    await transport.send(ticketRecord(), sendContext(NOW));
    const delivery = receiver.deliveries[0];
    const raw = delivery?.raw.toString('utf8') ?? '';
    const signature = header(delivery?.headers['healops-signature']);
    expect(verifyWithPython(SECRET, NOW_SECONDS, raw, signature)).toBe(true);
    const tampered = raw.replace('"severity":"critical"', '"severity":"warning"');
    expect(tampered).not.toBe(raw);
    expect(verifyWithPython(SECRET, NOW_SECONDS, tampered, signature)).toBe(false);
    expect(verifyWithPython(SECRET, String(Number(NOW_SECONDS) + 1), raw, signature)).toBe(false);
    expect(verifyWithPython(`${SECRET}x`, NOW_SECONDS, raw, signature)).toBe(false);
  });

  it('exposes its secret for scrubbing and no rate limit', async () => {
    const { transport } = await webhook();
    expect(transport.secrets).toEqual([SECRET]);
    const generic: TicketTransport = transport;
    expect(generic.ratePerMinute).toBeUndefined();
  });
});

describe('WebhookTransport failures', () => {
  it.each([
    { status: 400, retryable: false },
    { status: 410, retryable: false },
    { status: 422, retryable: false },
    { status: 401, retryable: true },
    { status: 404, retryable: true },
    { status: 500, retryable: true },
    { status: 503, retryable: true },
  ])('HTTP $status → retryable=$retryable', async ({ status, retryable }) => {
    const { receiver, transport } = await webhook();
    receiver.script({ status, body: '{"message":"scripted"}' });
    const error = await transportFailure(transport.send(ticketRecord(), sendContext(NOW)));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toMatch(
      new RegExp(`^HTTP ${status} from http://127\\.0\\.0\\.1:\\d+/…; .*server said: scripted`),
    );
  });

  it('429 with Retry-After is retryable after the time asked for', async () => {
    const { receiver, transport } = await webhook();
    receiver.script({ status: 429, headers: { 'retry-after': '7' } });
    const error = await transportFailure(transport.send(ticketRecord(), sendContext(NOW)));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('a refused connection is retryable', async () => {
    const { receiver, transport } = await webhook();
    await receiver.down();
    const error = await transportFailure(transport.send(ticketRecord(), sendContext(NOW)));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/…: .*ECONNREFUSED/);
    // The path may carry a token (Slack-style URLs): messages name the host only.
    expect(error.message).not.toContain('/hooks/healops');
  });

  it('an answer slower than the timeout is retryable', async () => {
    const { receiver, transport } = await webhook({ timeoutMs: 100 });
    receiver.script({ status: 204, delayMs: 2_000 });
    const error = await transportFailure(transport.send(ticketRecord(), sendContext(NOW)));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/… within 100 ms/);
  });

  it.each([400, 500])(
    'never puts the secret into an error, even when the receiver echoes a body that contains it (%i)',
    async (status) => {
      const { receiver, transport } = await webhook();
      receiver.script((request) => ({
        status,
        body: `refused ${request.body} ${JSON.stringify(request.headers)}`,
      }));
      // The check's summary leaked the secret: the echoed body carries it.
      const record = ticketRecord(makeTicketEvent({ summary: `config dump: secret=${SECRET}` }));
      const error = await transportFailure(transport.send(record, sendContext(NOW)));
      expect(error.retryable).toBe(status !== 400);
      expect(error.message).toContain('config dump: secret=***');
      expect(error.message).not.toContain(SECRET);
    },
  );
});
