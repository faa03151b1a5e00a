/** Shorter values are not scrubbed (they would mangle ordinary words); secrets are never this short. */
const MIN_SECRET_LENGTH = 6;

/**
 * `text` with every occurrence of a secret value (as written, URL-encoded or JSON-escaped) replaced by `***`:
 * a receiver that echoes a routing key or a header in an error must not put it into the outbox, the audit trail or
 * a log line.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      out = out.split(form).join('***');
    }
  }
  return out;
}
