import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmChange } from '../../packages/core/test/support/alarm-fixtures.js';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../packages/sinks/test/support/pagerduty-receiver.js';
import { json } from '../support/cli.js';
import { ticketFixture, ticketsJson } from './tickets-kit.js';

let receiver: PagerDutyReceiver;
afterEach(async () => {
  await receiver?.close();
});

interface AlarmJson {
  readonly action: string;
  readonly key: { package: string; check: string; target: string };
  readonly delivered: number;
  readonly pending: number;
}

describe('CloudWatch alarm events through the CLI', () => {
  it('ALARM then OK -> trigger then resolve with one dedup key; a repeated ALARM adds nothing', async () => {
    receiver = await startPagerDutyReceiver();
    const f = ticketFixture(
      `  - type: pagerduty\n    routingKey: env:PAGERDUTY_ROUTING_KEY\n    url: ${receiver.url}\n`,
    );
    const write = (name: string, event: Record<string, unknown>) => {
      const path = join(f.root, name);
      writeFileSync(path, JSON.stringify(event));
      return path;
    };
    const alarm = write(
      'alarm.json',
      alarmChange({ id: 'e1', value: 'ALARM', at: '2026-03-02T17:04:40.000+0000' }),
    );
    const again = write(
      'again.json',
      alarmChange({ id: 'e2', value: 'ALARM', at: '2026-03-02T17:09:40.000+0000' }),
    );
    const ok = write('ok.json', alarmChange({ id: 'e3', value: 'OK', at: '2026-03-02T17:30:40.000+0000' }));

    const opened = json<AlarmJson>(await f.cli(['alarm', alarm, '--json', '--config', f.config]));
    expect(opened).toMatchObject({
      action: 'trigger',
      key: { package: 'cloudwatch', check: 'ServerCpuTooHigh', target: '123456789012/us-east-1' },
      delivered: 1,
      pending: 0,
    });
    expect(json<AlarmJson>(await f.cli(['alarm', again, '--json', '--config', f.config])).action).toBe(
      'none',
    );
    const status = json<{ problems: Array<{ package: string; severity: string }> }>(
      await f.cli(['status', '--json']),
    );
    expect(status.problems).toMatchObject([{ package: 'cloudwatch', severity: 'critical' }]);

    expect(json<AlarmJson>(await f.cli(['alarm', ok, '--json', '--config', f.config])).action).toBe(
      'resolve',
    );
    expect(receiver.events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual([
      'trigger healops/cloudwatch/ServerCpuTooHigh/123456789012/us-east-1',
      'resolve healops/cloudwatch/ServerCpuTooHigh/123456789012/us-east-1',
    ]);
    expect(receiver.events[0]).toMatchObject({
      payload: { severity: 'critical', component: 'cloudwatch', source: '123456789012/us-east-1' },
    });
    expect(receiver.problems).toEqual([]);
    expect((await ticketsJson(f)).counts).toEqual({ pending: 0, delivered: 2, dead: 0 });
    expect(json<{ problems: unknown[] }>(await f.cli(['status', '--json'])).problems).toEqual([]);
  });

  it('rejects a malformed event naming the file, the field and the value, and records nothing', async () => {
    receiver = await startPagerDutyReceiver();
    const f = ticketFixture(
      `  - type: pagerduty\n    routingKey: env:PAGERDUTY_ROUTING_KEY\n    url: ${receiver.url}\n`,
    );
    const path = join(f.root, 'bad.json');
    writeFileSync(path, JSON.stringify(alarmChange({ id: 'x', value: 'ALARM', at: 'yesterday' })));
    const result = await f.cli(['alarm', path, '--config', f.config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.json');
    expect(result.stderr).toContain('detail.state.timestamp');
    expect(result.stderr).toContain('yesterday');
    expect(receiver.requests).toEqual([]);
  });
});
