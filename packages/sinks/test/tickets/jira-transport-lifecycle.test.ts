import { jiraDedupLabel } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { adfPlainText } from '../../../core/test/support/tickets-adf.js';
import type { ReceiverTransition } from '../support/jira-receiver.js';
import {
  CREDENTIAL,
  calls,
  commentTexts,
  DEDUP,
  failure,
  LABEL,
  MemoryLinks,
  NOW,
  ROUTE,
  record,
  send,
  useLoopbackJira,
} from '../support/jira-transport-harness.js';

// JiraTransport trigger, update and resolve against a real HTTP server on loopback acting as a small Jira Cloud
// (REST v3); every body it sends is validated there against Atlassian's OpenAPI document (afterEach asserts no
// problems). Errors and the loopback Jira itself: jira-transport-errors.test.ts.

const { start } = useLoopbackJira();

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
