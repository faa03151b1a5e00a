import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/tickets/webhook-signature.js';
import { verifyWithPython } from '../support/webhook-receiver.js';

// signWebhook is checked against Python's hmac; verifyWebhook (for receivers written with HealOps' library) is
// checked against deliveries signed by signWebhook and against everything it must refuse.

const SECRET = 'whsec-5Jc2Hq9Wm1Xe8Rb3';
const NOW = new Date('2026-03-01T10:00:00.000Z');
const TS = NOW.getTime() / 1000;

describe('signWebhook', () => {
  it.each([
    ['a JSON body', '{"version":1,"id":"a"}'],
    ['an empty body', ''],
    ['non-ASCII text', '{"summary":"disk über 95 % — ☹"}'],
    ['newlines and quotes', '{"output":"line 1\\nline \\"2\\""}\n'],
  ])('signs %s as Python’s hmac does', (_name, body) => {
    const signature = signWebhook(SECRET, TS, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWithPython(SECRET, String(TS), body, signature)).toBe(true);
    expect(verifyWithPython(SECRET, String(TS), `${body} `, signature)).toBe(false);
  });

  it('signs bytes like the same text', () => {
    const body = '{"summary":"über"}';
    expect(signWebhook(SECRET, TS, Buffer.from(body, 'utf8'))).toBe(signWebhook(SECRET, TS, body));
  });
});

function headers(body: string, overrides: Record<string, string | undefined> = {}) {
  return {
    'healops-timestamp': String(TS),
    'healops-signature': signWebhook(SECRET, TS, body),
    ...overrides,
  };
}

describe('verifyWebhook', () => {
  const body = '{"version":1,"id":"d-1","type":"problem.opened"}';

  it('accepts a delivery signed with the secret, with node:http or fetch headers', () => {
    expect(verifyWebhook(SECRET, headers(body), body, NOW)).toBe(true);
    expect(verifyWebhook(SECRET, new Headers(headers(body)), Buffer.from(body), NOW)).toBe(true);
    expect(
      verifyWebhook(
        SECRET,
        { 'HealOps-Timestamp': String(TS), 'HealOps-Signature': signWebhook(SECRET, TS, body) },
        body,
        NOW,
      ),
    ).toBe(true);
  });

  it('accepts one matching signature among several (secret rotation)', () => {
    const both = `v1=${'0'.repeat(64)}, ${signWebhook(SECRET, TS, body)}`;
    expect(verifyWebhook(SECRET, headers(body, { 'healops-signature': both }), body, NOW)).toBe(true);
  });

  it.each<{ name: string; secret?: string; body?: string; overrides?: Record<string, string | undefined> }>([
    { name: 'a tampered body', body: body.replace('d-1', 'd-2') },
    { name: 'another secret', secret: `${SECRET}-old` },
    { name: 'no signature header', overrides: { 'healops-signature': undefined } },
    { name: 'no timestamp header', overrides: { 'healops-timestamp': undefined } },
    { name: 'a signature of another timestamp', overrides: { 'healops-timestamp': String(TS - 1) } },
    { name: 'a timestamp that is not a number', overrides: { 'healops-timestamp': `${TS}.5` } },
    { name: 'an unknown scheme', overrides: { 'healops-signature': `v0=${'a'.repeat(64)}` } },
    { name: 'a short signature', overrides: { 'healops-signature': 'v1=abcd' } },
    { name: 'a bare hex signature', overrides: { 'healops-signature': 'f'.repeat(64) } },
  ])('refuses $name', ({ secret, body: received, overrides }) => {
    expect(verifyWebhook(secret ?? SECRET, headers(body, overrides), received ?? body, NOW)).toBe(false);
  });

  it('refuses timestamps more than the tolerance away, either way', () => {
    const signed = headers(body);
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    expect(verifyWebhook(SECRET, signed, body, at(300))).toBe(true);
    expect(verifyWebhook(SECRET, signed, body, at(301))).toBe(false);
    expect(verifyWebhook(SECRET, signed, body, at(-300))).toBe(true);
    expect(verifyWebhook(SECRET, signed, body, at(-301))).toBe(false);
    expect(verifyWebhook(SECRET, signed, body, at(3_600), 7_200)).toBe(true);
    expect(verifyWebhook(SECRET, signed, body, at(31), 30)).toBe(false);
  });
});
