import { describe, expect, it } from 'vitest';
import { jiraError } from '../support/jira-receiver.js';
import {
  CREDENTIAL,
  EMAIL,
  failure,
  MemoryLinks,
  newTransport,
  record,
  send,
  TOKEN,
  useLoopbackJira,
} from '../support/jira-transport-harness.js';

// JiraTransport's errors (HTTP statuses, unreachable Jira, secrets kept out of messages), and the loopback Jira's
// own refusals, against a real HTTP server on loopback acting as a small Jira Cloud (REST v3). Trigger, update and
// resolve: jira-transport-lifecycle.test.ts.

const { start, closeNow } = useLoopbackJira();

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
    await closeNow(jira);
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
    await closeNow(jira);
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
