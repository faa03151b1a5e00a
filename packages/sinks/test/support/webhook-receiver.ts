import { spawnSync } from 'node:child_process';
import { type AnsweredRequest, type LoopbackReceiver, startLoopbackReceiver } from './loopback-receiver.js';

// A webhook consumer on a loopback port: records every delivery (headers and raw body) and answers 204, or what a
// test scripts. Signatures are checked independently of the code under test, by Python's hmac module.

/** `script(...)` answers the next deliveries with those replies, in order, instead of 204. */
export interface WebhookReceiver extends LoopbackReceiver {
  /** The URL to deliver to (`/hooks/healops`). */
  readonly url: string;
  /** Every delivery (request), in order, with the answer given. */
  readonly deliveries: readonly AnsweredRequest[];
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = await startLoopbackReceiver((_request, scripted) => scripted() ?? { status: 204 });
  return { ...receiver, url: `${receiver.base}/hooks/healops`, deliveries: receiver.requests };
}

const VERIFY_SCRIPT = `
import base64, hashlib, hmac, json, sys
request = json.load(sys.stdin)
signed = request["timestamp"].encode("ascii") + b"." + base64.b64decode(request["body"])
expected = hmac.new(request["secret"].encode("utf-8"), signed, hashlib.sha256).hexdigest()
header = request["signature"]
ok = header.startswith("v1=") and hmac.compare_digest(header[3:], expected)
sys.exit(0 if ok else 1)
`;

/**
 * Checks a HealOps-Signature with Python's hmac and hashlib (not node:crypto): HMAC-SHA256 keyed with `secret` over
 * `<timestamp>.<body bytes>`, hex, after `v1=`.
 */
export function verifyWithPython(
  secret: string,
  timestamp: string,
  body: string | Uint8Array,
  signatureHeader: string,
): boolean {
  const input = JSON.stringify({
    secret,
    timestamp,
    body: Buffer.from(body).toString('base64'),
    signature: signatureHeader,
  });
  const result = spawnSync('python3', ['-c', VERIFY_SCRIPT], { input, encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`python3 signature check failed (exit ${result.status}): ${result.stderr}`);
  }
  return result.status === 0;
}
