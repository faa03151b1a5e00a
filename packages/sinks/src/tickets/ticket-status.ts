import { scrubSecrets, TransportError } from '@healops/core';
import type { HttpPostResponse } from '../http-post.js';
import { isSuccess, retryAfter, safeLocation, serverMessage, serverText } from '../http-status.js';

// How an HTTP status from a ticket receiver (PagerDuty, Jira, a webhook consumer) maps to TransportError. Only a
// refusal of the action itself is final (dead-letter it: sending it again cannot help); everything else — down,
// throttled, wrong credentials or URL — keeps the action for a later pass, so fixing the configuration loses no
// ticket. Every message is scrubbed of the transport's secrets: receivers echo request bodies and headers.

/** Statuses that refuse the action itself: the record is dead-lettered at once. */
export const TICKET_REFUSED_STATUSES = [400, 410, 413, 422] as const;

export function ticketRefuses(status: number): boolean {
  return (TICKET_REFUSED_STATUSES as readonly number[]).includes(status);
}

/**
 * The TransportError for a receiver's answer, or undefined when it is a success (2xx). `where` is from
 * describeEndpoint; `secrets` are the transport's secret values, scrubbed from the message.
 */
export function ticketStatusError(
  where: string,
  response: HttpPostResponse,
  now: Date,
  secrets: readonly string[] = [],
): TransportError | undefined {
  const { status } = response;
  if (isSuccess(status)) return undefined;
  const parts = [`HTTP ${status} from ${where}`];
  const hint = statusHint(response);
  if (hint) parts.push(hint);
  // Scrubbed before the message is cut short, so no part of a secret survives at the cut.
  const message = receiverMessage(scrubSecrets(response.text, secrets));
  if (message) parts.push(`server said: ${message}`);
  const retryable = !ticketRefuses(status);
  const after = retryable ? retryAfter(response.headers.get('retry-after'), now) : undefined;
  if (after !== undefined) parts.push(`retry after ${Math.ceil(after / 1000)} s (Retry-After)`);
  return new TransportError(scrubSecrets(parts.join('; '), secrets), {
    retryable,
    tooLarge: status === 413,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
  });
}

/**
 * A refusal that names the route's configuration (PagerDuty: "Invalid routing key"; Jira: an unknown project or
 * issue type) is a misconfiguration, not a bad action: kept for a later pass with `hint`, so fixing the config
 * loses nothing. Other errors pass through unchanged.
 */
export function configRefusal(error: TransportError, pattern: RegExp, hint: string): TransportError {
  if (error.retryable || !pattern.test(error.message)) return error;
  return new TransportError(
    `${error.message.replace('the receiver refused this action: it is not retried', 'refused as misconfigured')}; ${hint}; kept for a later try`,
    { retryable: true, cause: error },
  );
}

function statusHint(response: HttpPostResponse): string | undefined {
  const { status } = response;
  if (ticketRefuses(status)) return 'the receiver refused this action: it is not retried';
  if (status === 401 || status === 403) {
    return 'the receiver refused the credentials: check the route’s secret (routing key, API token, webhook secret)';
  }
  if (status === 404) return 'not found: check the route’s URL';
  if (status === 429) return 'rate limited by the receiver';
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return `redirected${location ? ` to ${safeLocation(location)}` : ''}: configure the final URL`;
  }
  return undefined;
}

/**
 * The readable part of a receiver's error body, folded and bounded: its `message`/`error`, followed by the details
 * receivers list — PagerDuty `errors: [".."]`, Jira `errorMessages: [".."]` and `errors: {field: ".."}`.
 */
export function receiverMessage(text: string): string {
  const details = detailsOf(text);
  if (details.length === 0) return serverMessage(text);
  const main = serverText(text);
  return serverMessage(main === text ? details.join('; ') : `${main}: ${details.join('; ')}`);
}

function detailsOf(text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const { errorMessages, errors } = body as Record<string, unknown>;
  return [...strings(errorMessages), ...strings(errors)];
}

/** Strings of a list, or `field: message` of an object. */
function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([field, message]) =>
    typeof message === 'string' ? [`${field}: ${message}`] : [],
  );
}
