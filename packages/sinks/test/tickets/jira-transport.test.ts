import { randomUUID } from 'node:crypto';
import {
  jiraDedupLabel,
  type TicketEvent,
  type TicketLinks,
  type TicketRecord,
  TransportError,
} from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../../core/test/support/tickets-adf.js';
import { makeTicketEvent } from '../../../core/test/support/tickets-fixtures.js';
import { JiraTransport, type JiraTransportOptions } from '../../src/tickets/jira-transport.js';
import {
  type JiraReceiver,
  type JiraReceiverOptions,
  jiraError,
  type ReceiverTransition,
  startJiraReceiver,
} from '../support/jira-receiver.js';

// JiraTransport against a real HTTP server on loopback acting as a small Jira Cloud (REST v3); every body it sends
// is validated there against Atlassian's OpenAPI document (afterEach asserts no problems).

const EMAIL = 'healops-bot@example.com';
const TOKEN = 'ATATT3xFfGF0-secret-api-token-0123456789';
const CREDENTIAL = Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64');
const ROUTE = 'jira';
const NOW = new Date('2026-03-01T10:02:00.000Z');
const DEDUP = 'healops/web/nginx-up/web-1';
const LABEL = jiraDedupLabel(DEDUP);

/** TicketLinks in memory, recording every setLink. */
class MemoryLinks implements TicketLinks {
  readonly links = new Map<string, string>();
  readonly sets: Array<string | null> = [];

  async getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.links.get(`${route}\n${dedupKey}`);
  }

  async setLink(route: string, dedupKey: string, ref: string | null, _at: Date): Promise<void> {
    this.sets.push(ref);
    if (ref === null) this.links.delete(`${route}\n${dedupKey}`);
    else this.links.set(`${route}\n${dedupKey}`, ref);
  }

  link(): string | undefined {
    return this.links.get(`${ROUTE}\n${DEDUP}`);
  }
}

function record(action: TicketEvent['action'], overrides: Partial<TicketEvent> = {}): TicketRecord {
  const status = action === 'resolve' ? 'ok' : 'critical';
  return {
    id: randomUUID(),
    route: ROUTE,
    event: makeTicketEvent({ action, status, ...overrides }),
    seq: 1,
    state: 'pending',
    attempts: 0,
    createdAt: NOW.toISOString(),
    nextAttemptAt: NOW.toISOString(),
    lastAttemptAt: null,
    deliveredAt: null,
    lastError: null,
    ref: null,
  };
}

let receiver: JiraReceiver | undefined;
afterEach(async () => {
  const problems = receiver?.problems ?? [];
  await receiver?.close();
  receiver = undefined;
  expect(problems).toEqual([]);
});

async function start(
  options: Partial<JiraReceiverOptions> = {},
  transport: Partial<JiraTransportOptions> = {},
): Promise<{ jira: JiraReceiver; transport: JiraTransport; links: MemoryLinks }> {
  receiver = await startJiraReceiver({ email: EMAIL, apiToken: TOKEN, ...options });
  return { jira: receiver, transport: newTransport(receiver.url, transport), links: new MemoryLinks() };
}

function newTransport(baseUrl: string, overrides: Partial<JiraTransportOptions> = {}): JiraTransport {
  return new JiraTransport({
    baseUrl,
    project: 'OPS',
    issueType: 'Incident',
    email: EMAIL,
    apiToken: TOKEN,
    resolveTransition: 'Done',
    labelPrefix: undefined,
    timeoutMs: 5_000,
    ...overrides,
  });
}

function send(
  transport: JiraTransport,
  links: TicketLinks,
  rec: TicketRecord,
): Promise<{ ref: string | null }> {
  return transport.send(rec, { links, now: NOW });
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

/** Method and path of each request, from index `from`. */
function calls(jira: JiraReceiver, from = 0): string[] {
  return jira.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}

function commentTexts(jira: JiraReceiver, key: string): string[] {
  return (jira.issue(key)?.comments ?? []).map((c) => adfPlainText(c.body));
}

describe('JiraTransport trigger', () => {
  it('creates one issue with an ADF description and the dedup label, and links it', async () => {
    const { jira, transport, links } = await start();
    await expect(send(transport, links, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });

    expect(calls(jira)).toEqual(['POST /rest/api/3/search/jql', 'POST /rest/api/3/issue']);
    const [issue] = jira.issues;
    expect(jira.issues).toHaveLength(1);
    expect(issue?.labels).toEqual(['healops', LABEL]);
    expect(issue?.fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'web/nginx-up on web-1: CRITICAL - connection refused',
      description: { type: 'doc', version: 1 },
    });
    expect(adfPlainText(issue?.fields.description)).toContain('connection refused');
    expect(links.link()).toBe('OPS-1');

    const create = jira.requests[1];
    expect(create?.headers.authorization).toBe(`Basic ${CREDENTIAL}`);
    expect(create?.headers.accept).toBe('application/json');
    expect(create?.headers['content-type']).toBe('application/json');
  });

  it('uses the configured label prefix for the labels and the search', async () => {
    const { jira, transport, links } = await start({}, { labelPrefix: 'ops-bot' });
    await send(transport, links, record('trigger'));
    expect(jira.issues[0]?.labels).toEqual(['ops-bot', jiraDedupLabel(DEDUP, 'ops-bot')]);
    expect(JSON.parse(jira.requests[0]?.body ?? '{}').jql).toContain(jiraDedupLabel(DEDUP, 'ops-bot'));
  });

  it('comments on the linked open issue instead of opening a second one', async () => {
    const { jira, transport, links } = await start();
    await send(transport, links, record('trigger'));
    const before = jira.requests.length;

    await expect(send(transport, links, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });

    expect(calls(jira, before)).toEqual([
      'GET /rest/api/3/issue/OPS-1?fields=status',
      'POST /rest/api/3/issue/OPS-1/comment',
    ]);
    expect(jira.issues).toHaveLength(1);
    expect(commentTexts(jira, 'OPS-1')).toEqual([expect.stringContaining('Still failing')]);
  });

  it('finds the open issue by its label when the link is lost, comments, and links it again', async () => {
    const { jira, transport } = await start();
    await send(transport, new MemoryLinks(), record('trigger'));
    const fresh = new MemoryLinks();
    const before = jira.requests.length;

    await expect(send(transport, fresh, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });

    expect(calls(jira, before)).toEqual([
      'POST /rest/api/3/search/jql',
      'POST /rest/api/3/issue/OPS-1/comment',
    ]);
    expect(jira.issues).toHaveLength(1);
    expect(fresh.link()).toBe('OPS-1');
  });

  it('with the link lost while search still lags, opens a duplicate; later lookups keep the oldest', async () => {
    // The known risk of an eventually consistent search: if the link is lost (a crash between the create and the
    // setLink, a wiped state file) before Jira indexes the new issue, nothing finds it and a second issue is
    // opened. The local link is what normally prevents this; once search catches up, the oldest issue wins.
    const { jira, transport } = await start({ searchLag: { searches: 1 } });
    await send(transport, new MemoryLinks(), record('trigger'));
    await expect(send(transport, new MemoryLinks(), record('trigger'))).resolves.toEqual({ ref: 'OPS-2' });
    expect(jira.issues.map((i) => i.key)).toEqual(['OPS-1', 'OPS-2']);

    const later = new MemoryLinks();
    await expect(send(transport, later, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });
    expect(later.link()).toBe('OPS-1');
    expect(commentTexts(jira, 'OPS-1')).toHaveLength(1);
  });

  it('with the link kept, a lagging search does not matter: no duplicate', async () => {
    const { jira, transport, links } = await start({ searchLag: { searches: 100, ms: 60_000 } });
    await send(transport, links, record('trigger'));
    await expect(send(transport, links, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });
    expect(jira.issues).toHaveLength(1);
  });

  it('forgets a link to an issue closed by a human (Done) and opens a new one', async () => {
    const { jira, transport, links } = await start();
    const closed = jira.addIssue(['healops', LABEL], 'Done');
    await links.setLink(ROUTE, DEDUP, closed.key, NOW);

    await expect(send(transport, links, record('trigger'))).resolves.toEqual({ ref: 'OPS-2' });

    expect(calls(jira)).toEqual([
      'GET /rest/api/3/issue/OPS-1?fields=status',
      'POST /rest/api/3/search/jql',
      'POST /rest/api/3/issue',
    ]);
    expect(closed.comments).toEqual([]);
    expect(links.sets).toEqual(['OPS-1', null, 'OPS-2']);
  });

  it('forgets a link to a deleted issue (404) and opens a new one', async () => {
    const { jira, transport, links } = await start();
    await links.setLink(ROUTE, DEDUP, 'OPS-99', NOW);
    await expect(send(transport, links, record('trigger'))).resolves.toEqual({ ref: 'OPS-1' });
    expect(jira.issues.map((i) => i.key)).toEqual(['OPS-1']);
    expect(links.sets).toEqual(['OPS-99', null, 'OPS-1']);
  });
});

describe('JiraTransport update', () => {
  it('comments on the open issue', async () => {
    const { jira, transport, links } = await start();
    await send(transport, links, record('trigger'));
    await expect(send(transport, links, record('update', { status: 'warning' }))).resolves.toEqual({
      ref: 'OPS-1',
    });
    expect(jira.issues).toHaveLength(1);
    expect(commentTexts(jira, 'OPS-1')).toEqual([expect.stringContaining('status WARNING')]);
  });

  it('opens an issue when none is open: the problem is still there and a human must know', async () => {
    const { jira, transport, links } = await start();
    await expect(send(transport, links, record('update'))).resolves.toEqual({ ref: 'OPS-1' });
    expect(jira.issues).toHaveLength(1);
    expect(links.link()).toBe('OPS-1');
  });
});

describe('JiraTransport resolve', () => {
  it('transitions the issue with "Done", then posts the recovery comment, and forgets the link', async () => {
    const { jira, transport, links } = await start();
    await send(transport, links, record('trigger'));
    const before = jira.requests.length;

    await expect(send(transport, links, record('resolve'))).resolves.toEqual({ ref: 'OPS-1' });

    expect(calls(jira, before)).toEqual([
      'GET /rest/api/3/issue/OPS-1?fields=status',
      'GET /rest/api/3/issue/OPS-1/transitions',
      'POST /rest/api/3/issue/OPS-1/transitions',
      'POST /rest/api/3/issue/OPS-1/comment',
    ]);
    expect(jira.issue('OPS-1')?.status).toBe('Done');
    expect(jira.issue('OPS-1')?.transitions).toEqual(['31']);
    expect(commentTexts(jira, 'OPS-1')).toEqual([expect.stringMatching(/^Recovered\s+at \S+: status OK\./)]);
    expect(links.link()).toBeUndefined();
  });

  it.each<[string, string, readonly ReceiverTransition[], string]>([
    ['the transition name, any case', 'close ISSUE', [{ id: '51', name: 'Close Issue', to: 'Done' }], '51'],
    ['the target status name', 'done', [{ id: '61', name: 'Resolve', to: 'Done' }], '61'],
    [
      'a name before a target status',
      'Done',
      [
        { id: '71', name: 'Finish', to: 'Done' },
        { id: '72', name: 'Done', to: 'Done' },
      ],
      '72',
    ],
  ])('matches resolveTransition against %s', async (_name, wanted, transitions, id) => {
    const { jira, transport, links } = await start({ transitions }, { resolveTransition: wanted });
    await send(transport, links, record('trigger'));
    await send(transport, links, record('resolve'));
    expect(jira.issue('OPS-1')?.transitions).toEqual([id]);
  });

  it('finds the issue by its label when no link is kept', async () => {
    const { jira, transport } = await start();
    await send(transport, new MemoryLinks(), record('trigger'));
    await expect(send(transport, new MemoryLinks(), record('resolve'))).resolves.toEqual({ ref: 'OPS-1' });
    expect(jira.issue('OPS-1')?.status).toBe('Done');
  });

  it('a retry after a failed comment only comments: the issue is not transitioned twice', async () => {
    const { jira, transport, links } = await start();
    await send(transport, links, record('trigger'));
    jira.failNext({ method: 'POST', path: '/rest/api/3/issue/OPS-1/comment', status: 503 });
    const resolve = record('resolve');

    const error = await failure(send(transport, links, resolve));
    expect(error.retryable).toBe(true);
    expect(jira.issue('OPS-1')?.status).toBe('Done');
    expect(links.link()).toBe('OPS-1');

    const before = jira.requests.length;
    await expect(send(transport, links, resolve)).resolves.toEqual({ ref: 'OPS-1' });
    expect(calls(jira, before)).toEqual([
      'GET /rest/api/3/issue/OPS-1?fields=status',
      'POST /rest/api/3/issue/OPS-1/comment',
    ]);
    expect(jira.issue('OPS-1')?.transitions).toEqual(['31']);
    expect(commentTexts(jira, 'OPS-1')).toHaveLength(1);
    expect(links.link()).toBeUndefined();
  });

  it('with no matching transition: posts the recovery comment, then fails for good listing the transitions', async () => {
    const { jira, transport, links } = await start({}, { resolveTransition: 'Resolve issue' });
    await send(transport, links, record('trigger'));

    const error = await failure(send(transport, links, record('resolve')));

    expect(error.retryable).toBe(false);
    expect(error.message).toContain('no transition named "Resolve issue"');
    expect(error.message).toContain('"Start" (to In Progress), "Done" (to Done)');
    expect(jira.issue('OPS-1')?.status).toBe('To Do');
    expect(commentTexts(jira, 'OPS-1')).toEqual([expect.stringContaining('Recovered')]);
    expect(links.link()).toBe('OPS-1');
  });

  it('with no open issue: nothing to do, ref null, no requests beyond the lookups', async () => {
    const { jira, transport, links } = await start();
    await expect(send(transport, links, record('resolve'))).resolves.toEqual({ ref: null });
    expect(calls(jira)).toEqual(['POST /rest/api/3/search/jql']);
  });

  it('with a link to a deleted issue: forgets it, searches, and does nothing more', async () => {
    const { jira, transport, links } = await start();
    await links.setLink(ROUTE, DEDUP, 'OPS-7', NOW);
    await expect(send(transport, links, record('resolve'))).resolves.toEqual({ ref: null });
    expect(calls(jira)).toEqual(['GET /rest/api/3/issue/OPS-7?fields=status', 'POST /rest/api/3/search/jql']);
    expect(links.link()).toBeUndefined();
  });
});

describe('JiraTransport errors', () => {
  it('401: retryable, with a credentials hint', async () => {
    const { jira } = await start();
    const transport = newTransport(jira.url, { apiToken: 'a-wrong-token-0000' });
    const error = await failure(send(transport, new MemoryLinks(), record('trigger')));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^Jira: cannot search for the open issue: HTTP 401 from http:\/\/127\.0\.0\.1:/,
    );
    expect(error.message).toContain('credentials');
    expect(error.message).toContain('Atlassian API token');
    expect(jira.issues).toEqual([]);
  });

  it('500: retryable; the next try creates exactly one issue', async () => {
    const { jira, transport, links } = await start();
    jira.failNext({ method: 'POST', path: '/rest/api/3/issue', status: 500 });
    const trigger = record('trigger');
    const error = await failure(send(transport, links, trigger));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('HTTP 500');
    await expect(send(transport, links, trigger)).resolves.toEqual({ ref: 'OPS-1' });
    expect(jira.issues).toHaveLength(1);
  });

  it('429: retryable, keeping the Retry-After wait', async () => {
    const { jira, transport, links } = await start();
    jira.failNext({ path: '/rest/api/3/search/jql', status: 429, headers: { 'retry-after': '30' } });
    const error = await failure(send(transport, links, record('trigger')));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('400 with a Jira error body: not retryable, with the messages and the field errors', async () => {
    const { jira, transport, links } = await start();
    jira.failNext({
      method: 'POST',
      path: '/rest/api/3/issue',
      status: 400,
      body: jiraError(['Summary is too long.'], { priority: 'Priority name is invalid' }),
    });
    const error = await failure(send(transport, links, record('trigger')));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Jira: cannot create an issue in OPS');
    expect(error.message).toContain('Summary is too long.');
    expect(error.message).toContain('priority: Priority name is invalid');
    expect(links.link()).toBeUndefined();
  });

  it('400 naming the project or issue type is a misconfiguration: kept for a later try, with a hint', async () => {
    const { jira, transport, links } = await start();
    jira.failNext({
      method: 'POST',
      path: '/rest/api/3/issue',
      status: 400,
      body: jiraError(['Issue type is not valid for this project.'], {}),
    });
    const error = await failure(send(transport, links, record('trigger')));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Issue type is not valid for this project.');
    expect(error.message).toContain('check the route’s project and issueType');
  });

  it('an unreadable success answer (not Jira at that URL) is retryable and names the base URL', async () => {
    const { jira, transport, links } = await start();
    jira.failNext({ path: '/rest/api/3/search/jql', status: 200, body: '<html>login</html>' });
    const error = await failure(send(transport, links, record('trigger')));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('check baseUrl');
  });

  it('a receiver that cannot be reached: retryable', async () => {
    const { jira } = await start();
    const url = jira.url;
    await jira.close();
    receiver = undefined;
    const error = await failure(send(newTransport(url), new MemoryLinks(), record('trigger')));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('cannot reach');
  });

  it('never puts the API token or the basic credential in a message, even when Jira echoes them', async () => {
    const { jira, transport, links } = await start();
    expect(transport.secrets).toEqual([TOKEN, CREDENTIAL, EMAIL]);
    const echo = jiraError([`bad header Authorization: Basic ${CREDENTIAL}`], { token: TOKEN });
    const messages: string[] = [];
    for (const status of [400, 401, 403, 500]) {
      jira.failNext({ status, body: echo });
      messages.push((await failure(send(transport, links, record('trigger')))).message);
    }
    await jira.close();
    receiver = undefined;
    messages.push((await failure(send(transport, links, record('trigger')))).message);
    for (const message of messages) {
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain(CREDENTIAL);
      expect(message).not.toContain(encodeURIComponent(TOKEN));
    }
    expect(messages[0]).toContain('bad header Authorization: Basic ***');
  });
});

describe('the loopback Jira', () => {
  it('refuses, like Jira, what the official schema or ADF forbid, bad JQL and missing credentials', async () => {
    const { jira } = await start();
    const post = (path: string, body: unknown, auth = `Basic ${CREDENTIAL}`): Promise<number> =>
      fetch(`${jira.url}${path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    const notAnObject = { fields: 'summary=x' };
    const badAdf = { fields: { project: { key: 'OPS' }, description: { type: 'p' } } };
    const badJql = { jql: 'project = OPS', fields: ['status'], maxResults: 10 };

    expect(await post('/rest/api/3/issue', notAnObject)).toBe(400);
    expect(await post('/rest/api/3/issue', badAdf)).toBe(400);
    expect(await post('/rest/api/3/search/jql', badJql)).toBe(400);
    expect(await post('/rest/api/3/search/jql', badJql, 'Basic d3Jvbmc6d3Jvbmc=')).toBe(401);
    expect(jira.problems).toEqual([
      expect.stringContaining('/fields must be object'),
      expect.stringContaining('ADF root must be'),
      expect.stringContaining('JQL this receiver does not understand'),
    ]);
    expect(jira.issues).toEqual([]);
    jira.problems.length = 0; // seen: afterEach checks the rest of the suite stays clean
  });
});
