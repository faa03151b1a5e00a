import { afterEach, describe, expect, it } from 'vitest';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../packages/sinks/test/support/pagerduty-receiver.js';
import { DEDUP_KEY, SECRETS, storedBytes, ticketFixture, ticketsJson } from './tickets-kit.js';

let receiver: PagerDutyReceiver;
afterEach(async () => {
  await receiver?.close();
});

async function pagerDuty(extra = '') {
  receiver = await startPagerDutyReceiver();
  return ticketFixture(
    `  - type: pagerduty\n    routingKey: env:PAGERDUTY_ROUTING_KEY\n    url: ${receiver.url}\n${extra}`,
  );
}

describe('PagerDuty tickets through the CLI', () => {
  it('escalation triggers once, a second failing run adds nothing, recovery resolves the same dedup_key', async () => {
    const f = await pagerDuty();
    expect((await f.run()).code).toBe(1);
    expect(receiver.events).toHaveLength(1);
    const [trigger] = receiver.events;
    expect(trigger).toMatchObject({
      event_action: 'trigger',
      dedup_key: DEDUP_KEY,
      payload: {
        source: 'local',
        component: 'web',
        group: 'prod',
        class: 'nginx-up',
        severity: 'critical',
        custom_details: { reason: 'repair-failed', status: 'CRITICAL' },
      },
      links: [{ href: 'https://runbooks.example/web', text: 'Runbook' }],
    });
    const details = (trigger as { payload: { custom_details: { repairs: unknown[]; output: string } } })
      .payload.custom_details;
    expect(details.repairs).toMatchObject([{ attempt: 1, exit_code: 1, outcome: 'failed' }]);
    expect(details.output).toContain('nginx.up is down');

    expect((await f.run()).code).toBe(1);
    expect(receiver.events).toHaveLength(1);

    f.recover();
    expect((await f.run()).code).toBe(0);
    expect(receiver.events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual([
      `trigger ${DEDUP_KEY}`,
      `resolve ${DEDUP_KEY}`,
    ]);
    expect(receiver.alerts.get(DEDUP_KEY)).toMatchObject({ status: 'resolved', incidents: 1, triggers: 1 });
    expect(receiver.problems).toEqual([]);
    const { counts, tickets } = await ticketsJson(f);
    expect(counts).toEqual({ pending: 0, delivered: 2, dead: 0 });
    expect(tickets.map((t) => [t.action, t.state, t.attempts, t.ref])).toEqual([
      ['trigger', 'delivered', 1, DEDUP_KEY],
      ['resolve', 'delivered', 1, DEDUP_KEY],
    ]);
  });

  it('a receiver answering 500 then 202 gets the event once, in the same run', async () => {
    const f = await pagerDuty();
    receiver.script({ status: 500, body: '{"status":"error"}' });
    await f.run();
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 202]);
    expect(receiver.events).toHaveLength(1);
    const [record] = (await ticketsJson(f)).tickets;
    expect(record).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('a receiver down for a whole run leaves the trigger pending; the next run delivers it once', async () => {
    const f = await pagerDuty();
    await receiver.down();
    const first = await f.run();
    expect(first.stderr).toMatch(/tickets pagerduty: trigger .* not delivered, next try .*ECONNREFUSED/);
    const pending = await ticketsJson(f);
    expect(pending.counts).toEqual({ pending: 1, delivered: 0, dead: 0 });
    expect(pending.tickets[0]?.lastError).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue/);
    const status = await f.cli(['status']);
    expect(status.stdout).toMatch(/1 open problem \(1 critical\) · 1 ticket undelivered/);

    await receiver.up();
    await f.run();
    expect(receiver.events.map((e) => e.event_action)).toEqual(['trigger']);
    expect((await ticketsJson(f)).counts).toEqual({ pending: 0, delivered: 1, dead: 0 });
    expect((await f.cli(['status'])).stdout).not.toContain('undelivered');
  });

  it('400 dead-letters the action with the reason; `tickets retry` re-queues it for delivery', async () => {
    const f = await pagerDuty();
    receiver.script({
      status: 400,
      body: JSON.stringify({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Length of payload.summary is too long'],
      }),
    });
    await f.run();
    const dead = await ticketsJson(f, ['--state', 'dead']);
    expect(dead.tickets).toHaveLength(1);
    expect(dead.tickets[0]?.lastError).toContain('Length of payload.summary is too long');
    const human = await f.cli(['tickets']);
    expect(human.stdout).toContain('dead');
    expect(human.stdout).toContain('healops tickets retry');
    expect((await f.cli(['audit', '--json'])).stdout).toContain('ticket-dead');

    const id = dead.tickets[0]?.id.slice(0, 8) ?? '';
    expect((await f.cli(['tickets', 'retry', id])).code).toBe(0);
    expect((await ticketsJson(f)).counts).toEqual({ pending: 1, delivered: 0, dead: 0 });
    const deliver = await f.cli(['tickets', 'deliver', '--config', f.config]);
    expect(deliver.code).toBe(0);
    expect(receiver.events).toHaveLength(1);
    expect((await ticketsJson(f)).counts).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('never prints or stores the routing key', async () => {
    const f = await pagerDuty();
    receiver.script((request) => ({ status: 500, body: `echo: ${request.body}` }));
    receiver.script((request) => ({
      status: 400,
      body: `{"message":"bad","errors":[${JSON.stringify(request.body)}]}`,
    }));
    await f.run();
    await f.cli(['tickets']);
    await f.cli(['tickets', '--json']);
    await f.cli(['audit', '--json']);
    await f.cli(['status', '--json']);
    const everything = f.printed.join('\n') + storedBytes(f);
    expect(everything).toContain('***');
    expect(everything).not.toContain(SECRETS.PAGERDUTY_ROUTING_KEY);
  });
});
