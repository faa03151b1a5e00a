import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature of a HealOps webhook delivery (docs/webhooks.md): HMAC-SHA256 keyed with the route's secret over
// `<timestamp>.<raw body>`, sent as `HealOps-Signature: v1=<lowercase hex>` beside `HealOps-Timestamp: <unix s>`.
// Signing the timestamp with the body lets a receiver refuse old deliveries replayed by whoever recorded one.

export const WEBHOOK_HEADERS = {
  delivery: 'HealOps-Delivery',
  event: 'HealOps-Event',
  timestamp: 'HealOps-Timestamp',
  signature: 'HealOps-Signature',
} as const;

export const WEBHOOK_SIGNATURE_SCHEME = 'v1';
/** How far a delivery's timestamp may be from the receiver's clock (either way) by default. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The HealOps-Signature header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string | Uint8Array): string {
  return `${WEBHOOK_SIGNATURE_SCHEME}=${hmacHex(secret, String(timestamp), body)}`;
}

/** Request headers as node:http gives them (lowercase keys) or as fetch does. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * True when `body` (the raw bytes received, before any JSON parsing) carries a valid signature made with `secret`
 * and a timestamp within `toleranceSeconds` of `now`. Accepts several `v1=` values separated by commas (a sender
 * rotating its secret); comparisons are constant-time.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  now: Date,
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let valid = false;
  for (const part of signature.split(',')) {
    const [scheme, value] = part.trim().split('=', 2);
    if (scheme !== WEBHOOK_SIGNATURE_SCHEME || value === undefined || !/^[0-9a-f]{64}$/i.test(value))
      continue;
    // No early exit: the time taken does not depend on which value matched.
    if (timingSafeEqual(Buffer.from(value, 'hex'), expected)) valid = true;
  }
  return valid;
}

function hmacHex(secret: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}
