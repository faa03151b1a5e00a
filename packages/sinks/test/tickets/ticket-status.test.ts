import { describe, expect, it } from 'vitest';
import { receiverMessage, ticketStatusError } from '../../src/tickets/ticket-status.js';

// How ticket receivers' answers map to TransportError: a refusal of the action is final, everything else waits.

const WHERE = 'https://events.pagerduty.com/v2/enqueue';
const NOW = new Date('2026-03-01T10:00:00.000Z');

function response(status: number, text = '', headers: Record<string, string> = {}) {
  return { status, text, headers: new Headers(headers) };
}

const PAGERDUTY_400 = JSON.stringify({
  status: 'invalid event',
  message: 'Event object is invalid',
  errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
});

const JIRA_400 = JSON.stringify({
  errorMessages: ['Issue type is required.'],
  errors: { summary: 'You must specify a summary of the issue.', labels: 'bad label' },
});

describe('ticketStatusError', () => {
  it.each([200, 201, 202, 204])('%i is a success, not an error', (status) => {
    expect(ticketStatusError(WHERE, response(status), NOW)).toBeUndefined();
  });

  it.each<{
    name: string;
    status: number;
    text?: string;
    headers?: Record<string, string>;
    retryable: boolean;
    retryAfterMs?: number;
    message: RegExp;
  }>([
    {
      name: 'PagerDuty 400 with its errors',
      status: 400,
      text: PAGERDUTY_400,
      retryable: false,
      message:
        /^HTTP 400 from https:\/\/events\.pagerduty\.com\/v2\/enqueue; the receiver refused this action: it is not retried; server said: Event object is invalid: Length of 'routing_key' is incorrect \(should be 32 characters\)$/,
    },
    {
      name: 'Jira 400 with errorMessages and field errors',
      status: 400,
      text: JIRA_400,
      retryable: false,
      message:
        /server said: Issue type is required\.; summary: You must specify a summary of the issue\.; labels: bad label$/,
    },
    { name: '410 Gone', status: 410, text: 'gone', retryable: false, message: /HTTP 410 .*refused.*gone/ },
    { name: '413', status: 413, retryable: false, message: /HTTP 413 .*refused this action/ },
    {
      name: '422',
      status: 422,
      text: '{"message":"unprocessable"}',
      retryable: false,
      message: /HTTP 422 .*unprocessable/,
    },
    {
      name: '400 ignores Retry-After',
      status: 400,
      headers: { 'retry-after': '30' },
      retryable: false,
      message: /^((?!Retry-After).)*$/,
    },
    { name: '401', status: 401, retryable: true, message: /HTTP 401 .*refused the credentials/ },
    {
      name: '403 with a body',
      status: 403,
      text: '{"message":"forbidden"}',
      retryable: true,
      message: /HTTP 403 .*credentials.*server said: forbidden/,
    },
    { name: '404', status: 404, retryable: true, message: /HTTP 404 .*check the route’s URL/ },
    {
      name: '429 with Retry-After seconds',
      status: 429,
      headers: { 'retry-after': '30' },
      retryable: true,
      retryAfterMs: 30_000,
      message: /HTTP 429 .*rate limited.*retry after 30 s \(Retry-After\)/,
    },
    {
      name: '503 with a Retry-After date',
      status: 503,
      headers: { 'retry-after': new Date(NOW.getTime() + 120_000).toUTCString() },
      retryable: true,
      retryAfterMs: 120_000,
      message: /HTTP 503 .*retry after 120 s/,
    },
    {
      name: '500',
      status: 500,
      text: 'oops',
      retryable: true,
      message: /^HTTP 500 from .*; server said: oops$/,
    },
    {
      name: 'a redirect',
      status: 302,
      headers: { location: 'https://elsewhere.example/hook?token=abc' },
      retryable: true,
      message: /redirected to https:\/\/elsewhere\.example\/hook: configure the final URL$/,
    },
  ])('$name → retryable=$retryable', ({ status, text, headers, retryable, retryAfterMs, message }) => {
    const error = ticketStatusError(WHERE, response(status, text, headers), NOW);
    expect(error?.retryable).toBe(retryable);
    expect(error?.retryAfterMs).toBe(retryAfterMs);
    expect(error?.message).toMatch(message);
  });

  it('marks 413 as too large', () => {
    expect(ticketStatusError(WHERE, response(413), NOW)?.tooLarge).toBe(true);
    expect(ticketStatusError(WHERE, response(400), NOW)?.tooLarge).toBe(false);
  });

  it('scrubs secrets from the message, as written, JSON-escaped or URL-encoded', () => {
    const secret = 'tok/"en+42==';
    const text = JSON.stringify({
      message: `bad token ${secret}`,
      errors: [`echo ${JSON.stringify({ routing_key: secret })}`, `url ?k=${encodeURIComponent(secret)}`],
    });
    const error = ticketStatusError(WHERE, response(400, text), NOW, [secret]);
    expect(error?.message).toContain('bad token ***');
    expect(error?.message).toContain('url ?k=***');
    expect(error?.message).not.toContain('tok/');
    expect(error?.message).not.toContain(encodeURIComponent(secret));
  });

  it('leaves no part of a secret where a long message is cut', () => {
    const secret = 'S3CRET-routing-key-0123456789abcd';
    const text = `${'x'.repeat(490)}${secret} and more`;
    const error = ticketStatusError(WHERE, response(500, text), NOW, [secret]);
    expect(error?.message).toContain('x***');
    expect(error?.message).not.toContain('S3CRET');
  });
});

describe('receiverMessage', () => {
  it.each([
    [
      'PagerDuty errors',
      PAGERDUTY_400,
      "Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)",
    ],
    ['a message only', '{"message":"Event processed"}', 'Event processed'],
    ['an error only', '{"error":"nope"}', 'nope'],
    ['errors without a message', '{"errors":["a","b"]}', 'a; b'],
    ['Jira field errors only', '{"errorMessages":[],"errors":{"summary":"required"}}', 'summary: required'],
    ['plain text, folded', 'Bad\n  Gateway ', 'Bad Gateway'],
    ['a JSON array', '["x"]', '["x"]'],
    ['nothing', '', ''],
    ['a long text, cut', 'y'.repeat(600), `${'y'.repeat(500)}…`],
  ])('%s', (_name, text, expected) => {
    expect(receiverMessage(text)).toBe(expected);
  });
});
