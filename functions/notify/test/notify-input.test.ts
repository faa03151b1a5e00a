import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEALOPS_EVENT_SOURCE } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { metricAlarmEvent } from '../../../packages/core/test/support/alarm-fixtures.js';
import { sampleEvents } from '../../../packages/core/test/support/event-fixtures.js';
import { NotifyConfigError, NotifyRecordError } from '../src/errors.js';
import { parseNotifyBundle } from '../src/notify-bundle.js';
import { notifyDepsFromEnv } from '../src/notify-env.js';
import { notifyInputSchema, parseNotifyMessage } from '../src/notify-input.js';

const SOURCE = 'SQS message m-1';

/** A HealOps event as EventBridge delivers it to SQS. */
function healOpsEnvelope(detailType: string, detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': detailType,
    source: HEALOPS_EVENT_SOURCE,
    account: '123456789012',
    time: '2026-03-01T10:00:01Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

const [checkFailed, , , escalated, recovered] = sampleEvents(0);

describe('parseNotifyMessage', () => {
  const accepted: Array<[string, unknown, string, string]> = [
    ['a CloudWatch alarm state change', metricAlarmEvent(), 'alarm', 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92'],
    ['HealOps Escalated', healOpsEnvelope('HealOps Escalated', escalated?.detail), 'wake', 'e-1'],
    ['HealOps Recovered', healOpsEnvelope('HealOps Recovered', recovered?.detail), 'wake', 'e-1'],
  ];
  it.each(accepted)('accepts %s', (_name, event, kind, eventId) => {
    expect(parseNotifyMessage(JSON.stringify(event), SOURCE)).toMatchObject({ kind, eventId });
  });

  const alarm = metricAlarmEvent();
  const rejected: Array<[string, string, string]> = [
    ['a body that is not JSON', '{"source": "aws.cl', 'SQS message m-1: the body is not JSON'],
    ['JSON that is no EventBridge event', '{"hello": "world"}', 'not an EventBridge event: version:'],
    [
      'an event of another kind',
      JSON.stringify({
        ...alarm,
        source: 'aws.ec2',
        'detail-type': 'EC2 Instance State-change Notification',
      }),
      'not a notification: source "aws.ec2"',
    ],
    [
      'a HealOps event the notify function does not take',
      JSON.stringify(healOpsEnvelope('HealOps Check Failed', checkFailed?.detail)),
      'detail-type "HealOps Check Failed"',
    ],
    [
      'an Escalated event with a bad detail',
      JSON.stringify(healOpsEnvelope('HealOps Escalated', { ...escalated?.detail, occurrences: 0 })),
      'SQS message m-1: HealOps Escalated',
    ],
    [
      'an alarm with a bad state',
      JSON.stringify({ ...alarm, detail: { ...(alarm.detail as object), state: { value: 'RED' } } }),
      'SQS message m-1: detail.state.value: invalid value "RED"',
    ],
  ];
  it.each(rejected)('rejects %s, saying where and why', (_name, body, message) => {
    let error: unknown;
    try {
      parseNotifyMessage(body, SOURCE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotifyRecordError);
    expect((error as Error).message).toContain(message);
  });
});

describe('notify input', () => {
  it.each([
    ['the scheduled drain', { drain: true }, true],
    ['a drain that is not true', { drain: false }, false],
    ['an empty SQS batch', { Records: [] }, false],
    ['something else', { detail: {} }, false],
  ])('%s: accepted %s', (_name, input, ok) => {
    expect(notifyInputSchema.safeParse(input).success).toBe(ok);
  });
});

describe('parseNotifyBundle', () => {
  const route = { type: 'pagerduty', name: 'pd', routingKey: 'secretsmanager:healops/pd' };
  it('takes the ticket routes and the one environment of the checks', () => {
    const bundle = parseNotifyBundle(
      JSON.stringify({
        version: 1,
        packages: [{ checks: [{ environment: 'prod' }, { environment: 'prod' }] }],
        tickets: [route],
      }),
      'bundle.json',
    );
    expect(bundle).toEqual({ tickets: [route], environment: 'prod' });
  });

  it.each([
    ['not JSON', '{', 'bundle.json: not valid JSON'],
    ['another version', JSON.stringify({ version: 2, packages: [], tickets: [] }), 'bundle.json: version:'],
    [
      'a route to a plain-http host',
      JSON.stringify({ version: 1, packages: [], tickets: [{ ...route, url: 'http://pd.example.com/x' }] }),
      'bundle.json: tickets.0.url: tickets carry secrets',
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseNotifyBundle(text, 'bundle.json')).toThrow(NotifyConfigError);
    expect(() => parseNotifyBundle(text, 'bundle.json')).toThrow(message);
  });
});

describe('notifyDepsFromEnv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healops-notify-'));
  const bundlePath = join(dir, 'healops-bundle.json');
  writeFileSync(
    bundlePath,
    JSON.stringify({ version: 1, packages: [{ checks: [{ environment: 'staging' }] }], tickets: [] }),
  );

  it('builds the deployed dependencies from the environment and the bundle', () => {
    const deps = notifyDepsFromEnv({ HEALOPS_TABLE_NAME: 'healops', HEALOPS_BUNDLE_PATH: bundlePath });
    expect(deps.environment).toBe('staging');
    expect(deps.routes).toEqual([]);
    const named = notifyDepsFromEnv({
      HEALOPS_TABLE_NAME: 'healops',
      HEALOPS_BUNDLE_PATH: bundlePath,
      HEALOPS_ENVIRONMENT: 'prod',
      HEALOPS_ALARM_SEVERITY: 'warning',
    });
    expect(named).toMatchObject({ environment: 'prod', defaultSeverity: 'warning' });
  });

  it.each([
    ['no table name', { HEALOPS_BUNDLE_PATH: bundlePath }, 'HEALOPS_TABLE_NAME is not set'],
    [
      'a missing bundle',
      { HEALOPS_TABLE_NAME: 't', HEALOPS_BUNDLE_PATH: join(dir, 'missing.json') },
      `deployment bundle ${join(dir, 'missing.json')} cannot be read`,
    ],
    [
      'an unknown severity',
      { HEALOPS_TABLE_NAME: 't', HEALOPS_BUNDLE_PATH: bundlePath, HEALOPS_ALARM_SEVERITY: 'meh' },
      'HEALOPS_ALARM_SEVERITY: unknown severity "meh"',
    ],
  ])('fails on %s, naming it', (_name, env, message) => {
    expect(() => notifyDepsFromEnv(env)).toThrow(NotifyConfigError);
    expect(() => notifyDepsFromEnv(env)).toThrow(message);
  });
});
