import {
  type SecretRef,
  type SecretResolver,
  type TicketRouteConfig,
  ticketRouteListSchema,
} from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TicketConfigError } from '../../src/errors.js';
import { createTicketTransports } from '../../src/tickets/create-ticket-transports.js';
import { JiraTransport } from '../../src/tickets/jira-transport.js';
import { PagerDutyTransport } from '../../src/tickets/pagerduty-transport.js';
import { WebhookTransport } from '../../src/tickets/webhook-transport.js';
import { type PagerDutyReceiver, startPagerDutyReceiver } from '../support/pagerduty-receiver.js';
import { ROUTING_KEY, sendContext, ticketRecord } from '../support/ticket-records.js';
import { transportFailure } from '../support/transport-failure.js';
import { startWebhookReceiver, verifyWithPython, type WebhookReceiver } from '../support/webhook-receiver.js';

// createTicketTransports turns validated `tickets:` routes into transports, resolving secret references.

/** Resolves env:NAME from a fixed table, as the local CLI does from the environment. */
class TableSecrets implements SecretResolver {
  readonly asked: string[] = [];
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async resolve(ref: SecretRef): Promise<string> {
    this.asked.push(ref.text);
    if (ref.source !== 'env') throw new Error(`${ref.text}: only env: references are resolved here`);
    const value = this.values[ref.name];
    if (value === undefined) throw new Error(`${ref.text}: environment variable ${ref.name} is not set`);
    return value;
  }
}

const WEBHOOK_SECRET = 'whsec-factory-7Hk2Qp9';
const JIRA_TOKEN = 'ATATT3xFfGF0-jira-token';

function routes(list: unknown[]): TicketRouteConfig[] {
  return ticketRouteListSchema.parse(list);
}

let pagerDuty: PagerDutyReceiver | undefined;
let webhook: WebhookReceiver | undefined;
afterEach(async () => {
  await pagerDuty?.close();
  await webhook?.close();
  pagerDuty = undefined;
  webhook = undefined;
});

describe('createTicketTransports', () => {
  it('builds one transport per route, keyed by name, with defaults, and resolved secrets that work', async () => {
    pagerDuty = await startPagerDutyReceiver();
    webhook = await startWebhookReceiver();
    const secrets = new TableSecrets({
      PD_KEY: ROUTING_KEY,
      HOOK_SECRET: WEBHOOK_SECRET,
      JIRA_EMAIL: 'ops@example.com',
      JIRA_TOKEN,
    });
    const deliveries = await createTicketTransports(
      routes([
        { type: 'pagerduty', routingKey: 'env:PD_KEY', url: pagerDuty.url },
        { type: 'webhook', name: 'chatops', url: webhook.url, secret: 'env:HOOK_SECRET', maxAttempts: 3 },
        {
          type: 'jira',
          baseUrl: 'https://example.atlassian.net',
          project: 'OPS',
          issueType: 'Incident',
          email: 'env:JIRA_EMAIL',
          apiToken: 'env:JIRA_TOKEN',
        },
      ]),
      secrets,
    );
    expect([...deliveries.keys()]).toEqual(['pagerduty', 'chatops', 'jira']);
    expect(secrets.asked).toEqual(['env:PD_KEY', 'env:HOOK_SECRET', 'env:JIRA_EMAIL', 'env:JIRA_TOKEN']);

    const pd = deliveries.get('pagerduty');
    expect(pd?.transport).toBeInstanceOf(PagerDutyTransport);
    expect(pd?.maxAttempts).toBe(12);
    expect(pd?.transport.ratePerMinute).toBe(120);
    expect(pd?.transport.secrets).toEqual([ROUTING_KEY]);
    await pd?.transport.send(ticketRecord(), sendContext());
    expect(pagerDuty.events.map((e) => e.routing_key)).toEqual([ROUTING_KEY]);

    const hook = deliveries.get('chatops');
    expect(hook?.transport).toBeInstanceOf(WebhookTransport);
    expect(hook?.maxAttempts).toBe(3);
    const now = new Date();
    await hook?.transport.send(ticketRecord(), sendContext(now));
    const delivery = webhook.deliveries[0];
    const timestamp = String(Math.floor(now.getTime() / 1000));
    expect(
      verifyWithPython(
        WEBHOOK_SECRET,
        timestamp,
        delivery?.raw ?? '',
        String(delivery?.headers['healops-signature']),
      ),
    ).toBe(true);

    const jira = deliveries.get('jira');
    expect(jira?.transport).toBeInstanceOf(JiraTransport);
    expect(jira?.transport.secrets).toContain(JIRA_TOKEN);
  });

  it('takes the PagerDuty endpoint from PAGERDUTY_EVENTS_URL and the rate from the route', async () => {
    const deliveries = await createTicketTransports(
      routes([{ type: 'pagerduty', routingKey: 'env:PD_KEY', ratePerMinute: 30 }]),
      new TableSecrets({ PD_KEY: ROUTING_KEY }),
    );
    const transport = deliveries.get('pagerduty')?.transport as PagerDutyTransport;
    expect(transport.endpoint).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(transport.ratePerMinute).toBe(30);
  });

  it('applies the route timeout', async () => {
    webhook = await startWebhookReceiver();
    webhook.script({ status: 204, delayMs: 2_000 });
    const deliveries = await createTicketTransports(
      routes([{ type: 'webhook', url: webhook.url, secret: 'env:HOOK_SECRET', timeout: '150ms' }]),
      new TableSecrets({ HOOK_SECRET: WEBHOOK_SECRET }),
    );
    const error = await transportFailure(
      deliveries.get('webhook')?.transport.send(ticketRecord(), sendContext()) ?? Promise.resolve(),
    );
    expect(error.message).toMatch(/within 150 ms$/);
  });

  it.each([
    {
      name: 'a missing environment variable',
      list: [{ type: 'webhook', name: 'hooks', url: 'https://hooks.example/h', secret: 'env:HOOK_SECRET' }],
      message:
        /^tickets\[0\] \(route "hooks"\)\.secret: secret env:HOOK_SECRET cannot be resolved: .*not set/,
    },
    {
      name: 'a reference this runtime cannot resolve',
      list: [
        { type: 'pagerduty', routingKey: 'env:PD_KEY' },
        {
          type: 'jira',
          name: 'jira-ops',
          baseUrl: 'https://example.atlassian.net',
          project: 'OPS',
          issueType: 'Incident',
          email: 'env:JIRA_EMAIL',
          apiToken: 'ssm:/healops/jira-token',
        },
      ],
      message:
        /^tickets\[1\] \(route "jira-ops"\)\.apiToken: secret ssm:\/healops\/jira-token cannot be resolved/,
    },
  ])('fails on $name, naming the route and the reference, never a value', async ({ list, message }) => {
    const secrets = new TableSecrets({ PD_KEY: ROUTING_KEY, JIRA_EMAIL: 'ops@example.com' });
    const error = await createTicketTransports(routes(list), secrets).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TicketConfigError);
    const text = String((error as Error).message);
    expect(text).toMatch(message);
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).not.toContain('ops@example.com');
  });

  it('refuses two routes with one name', async () => {
    const list = [
      { type: 'pagerduty', routingKey: 'env:PD_KEY' },
      { type: 'pagerduty', routingKey: 'env:PD_KEY' },
    ] as TicketRouteConfig[];
    await expect(createTicketTransports(list, new TableSecrets({ PD_KEY: ROUTING_KEY }))).rejects.toThrow(
      /tickets\[1\] \(route "pagerduty"\): the route name is already used/,
    );
  });

  it('refuses an empty secret', async () => {
    await expect(
      createTicketTransports(
        routes([{ type: 'pagerduty', routingKey: 'env:PD_KEY' }]),
        new TableSecrets({ PD_KEY: '' }),
      ),
    ).rejects.toThrow(/routingKey: secret env:PD_KEY is empty/);
  });
});
