import { afterEach, describe, expect, it } from 'vitest';
import { jiraDedupLabel } from '../../packages/core/src/index.js';
import { WEBHOOK_HEADERS } from '../../packages/sinks/src/index.js';
import { type JiraReceiver, startJiraReceiver } from '../../packages/sinks/test/support/jira-receiver.js';
import {
  startWebhookReceiver,
  verifyWithPython,
  type WebhookReceiver,
} from '../../packages/sinks/test/support/webhook-receiver.js';
import { DEDUP_KEY, SECRETS, storedBytes, ticketFixture, ticketsJson } from './tickets-kit.js';

let jira: JiraReceiver | undefined;
let hook: WebhookReceiver | undefined;
afterEach(async () => {
  await jira?.close();
  await hook?.close();
  jira = undefined;
  hook = undefined;
});

describe('Jira tickets through the CLI', () => {
  it('escalation opens one issue, a second failing run none, recovery transitions it to Done with a comment', async () => {
    jira = await startJiraReceiver({ email: SECRETS.JIRA_EMAIL, apiToken: SECRETS.JIRA_API_TOKEN });
    const f = ticketFixture(`  - type: jira
    baseUrl: ${jira.url}
    project: OPS
    issueType: Incident
    email: env:JIRA_EMAIL
    apiToken: env:JIRA_API_TOKEN
    resolveTransition: Done
`);
    await f.run();
    expect(jira.issues).toHaveLength(1);
    const issue = jira.issues[0];
    expect(issue?.labels).toContain(jiraDedupLabel(DEDUP_KEY));
    expect(issue?.status).toBe('To Do');

    await f.run();
    expect(jira.issues).toHaveLength(1);
    expect(issue?.comments).toHaveLength(0);

    f.recover();
    await f.run();
    expect(jira.issues).toHaveLength(1);
    expect(issue?.status).toBe('Done');
    expect(issue?.comments).toHaveLength(1);
    expect(JSON.stringify(issue?.comments[0])).toContain('Recovered');
    expect(jira.problems).toEqual([]);
    expect((await ticketsJson(f)).tickets.map((t) => [t.action, t.state, t.ref])).toEqual([
      ['trigger', 'delivered', issue?.key],
      ['resolve', 'delivered', issue?.key],
    ]);
    // Neither the token nor the Basic credential built from it is printed or stored.
    await f.cli(['tickets', '--json']);
    await f.cli(['audit', '--json']);
    const basic = Buffer.from(`${SECRETS.JIRA_EMAIL}:${SECRETS.JIRA_API_TOKEN}`).toString('base64');
    const everything = f.printed.join('\n') + storedBytes(f);
    expect(everything).not.toContain(SECRETS.JIRA_API_TOKEN);
    expect(everything).not.toContain(basic);
  });
});

describe('signed webhooks through the CLI', () => {
  it('sends problem.opened then problem.resolved, signed so an independent HMAC check passes', async () => {
    hook = await startWebhookReceiver();
    const f = ticketFixture(
      `  - type: webhook\n    url: ${hook.url}\n    secret: env:HEALOPS_WEBHOOK_SECRET\n`,
    );
    hook.script({ status: 503 });
    await f.run();
    await f.run();
    f.recover();
    await f.run();
    const accepted = hook.deliveries.filter((d) => d.status === 204);
    expect(accepted.map((d) => d.headers[WEBHOOK_HEADERS.event.toLowerCase()])).toEqual([
      'problem.opened',
      'problem.resolved',
    ]);
    // The 503 and its retry carry one delivery id (receivers deduplicate on it); each event has its own.
    const ids = hook.deliveries.map((d) => String(d.headers[WEBHOOK_HEADERS.delivery.toLowerCase()]));
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(2);
    for (const d of hook.deliveries) {
      const timestamp = String(d.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]);
      const signature = String(d.headers[WEBHOOK_HEADERS.signature.toLowerCase()]);
      expect(verifyWithPython(SECRETS.HEALOPS_WEBHOOK_SECRET, timestamp, d.raw, signature)).toBe(true);
      expect(verifyWithPython('another-secret-value', timestamp, d.raw, signature)).toBe(false);
    }
    const opened = JSON.parse(accepted[0]?.body ?? '{}');
    expect(opened).toMatchObject({
      version: 1,
      type: 'problem.opened',
      id: ids[0],
      problem: {
        dedupKey: DEDUP_KEY,
        package: 'web',
        check: 'nginx-up',
        severity: 'critical',
        reason: 'repair-failed',
      },
    });
    const everything = f.printed.join('\n') + storedBytes(f);
    expect(everything).not.toContain(SECRETS.HEALOPS_WEBHOOK_SECRET);
  });

  it('routes by severity: a warning problem skips a route that takes only critical', async () => {
    hook = await startWebhookReceiver();
    const f = ticketFixture(
      `  - type: webhook\n    url: ${hook.url}\n    secret: env:HEALOPS_WEBHOOK_SECRET\n    severities: [critical]\n`,
      'warning',
    );
    await f.run();
    expect(hook.deliveries).toEqual([]);
    expect((await ticketsJson(f)).tickets).toEqual([]);
    expect((await f.cli(['status', '--json'])).stdout).toContain('"severity": "warning"');
  });
});
