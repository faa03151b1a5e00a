import { describe, expect, it } from 'vitest';
import { AlarmEventError, HealOpsError } from '../src/errors.js';
import { alarmTimeToIso, parseAlarmEvent } from '../src/tickets/alarm-event.js';
import { compositeAlarmEvent, metricAlarmEvent } from './support/alarm-fixtures.js';

type Json = Record<string, unknown>;

/** The metric alarm fixture with `edit` applied to a fresh copy. */
function edited(edit: (event: Json, detail: Json) => void): Json {
  const event = metricAlarmEvent();
  edit(event, event.detail as Json);
  return event;
}

function parseError(json: unknown, source = 'events/cpu.json'): AlarmEventError {
  try {
    parseAlarmEvent(json, source);
  } catch (error) {
    if (error instanceof AlarmEventError) return error;
    throw error;
  }
  throw new Error('expected an AlarmEventError');
}

describe('parseAlarmEvent', () => {
  it('reads a metric alarm event and normalizes its times to ISO-8601 UTC', () => {
    const event = parseAlarmEvent(metricAlarmEvent(), 'cpu.json');
    expect(event.detail.alarmName).toBe('ServerCpuTooHigh');
    expect(event.detail.state.value).toBe('ALARM');
    expect(event.detail.state.timestamp).toBe('2026-03-02T17:04:40.989Z');
    expect(event.detail.previousState?.value).toBe('OK');
    expect(event.time).toBe('2026-03-02T17:04:40.000Z');
    expect(event.detail.configuration?.metrics?.[0]?.id).toBe('30b6c6b2-a864-43a2-4877-c09a1afc3b87');
  });

  it('reads a composite alarm event and keeps the fields AWS added', () => {
    const event = parseAlarmEvent(compositeAlarmEvent(), 'composite.json');
    expect(event.detail.configuration?.alarmRule).toBe(
      'ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)',
    );
    expect(event.detail.state.reasonData).toContain('triggeringAlarms');
    expect(event.detail.previousState?.reasonData).toBeUndefined();
    expect(event.detail.state.actionsSuppressedBy).toBe('WaitPeriod');
    expect(event.detail.alarmTags).toEqual({ Team: 'payments', Severity: 'Warning' });
  });

  it('parses JSON text such as an SQS message body', () => {
    const event = parseAlarmEvent(JSON.stringify(compositeAlarmEvent()), 'sqs:message-1');
    expect(event.detail.alarmName).toBe('ServiceAggregatedAlarm');
  });

  it('reports text that is not JSON with its source', () => {
    const error = parseError('{"source": ', 'sqs:message-2');
    expect(error.message).toMatch(/^sqs:message-2: not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    [
      'a missing alarm name',
      edited((_e, d) => {
        delete d.alarmName;
      }),
      'detail.alarmName: required field is missing',
    ],
    [
      'an empty alarm name',
      edited((_e, d) => {
        d.alarmName = '';
      }),
      'detail.alarmName: the alarm name must not be empty',
    ],
    [
      'another detail-type',
      edited((e) => {
        e['detail-type'] = 'CloudWatch Alarm Configuration Change';
      }),
      'detail-type: invalid value "CloudWatch Alarm Configuration Change" (expected "CloudWatch Alarm State Change")',
    ],
    [
      'another source',
      edited((e) => {
        e.source = 'aws.ec2';
      }),
      'source: invalid value "aws.ec2" (expected "aws.cloudwatch")',
    ],
    [
      'a state value CloudWatch does not have',
      edited((_e, d) => {
        (d.state as Json).value = 'ALARMING';
      }),
      'detail.state.value: invalid value "ALARMING" (expected "ALARM" or "OK" or "INSUFFICIENT_DATA")',
    ],
    [
      'a reason that is not text',
      edited((_e, d) => {
        (d.state as Json).reason = 42;
      }),
      'detail.state.reason: expected a string, got 42',
    ],
    [
      'a state time that is no time',
      edited((_e, d) => {
        (d.state as Json).timestamp = 'yesterday';
      }),
      'detail.state.timestamp: invalid time "yesterday"',
    ],
    [
      'a state time on a day that does not exist',
      edited((_e, d) => {
        (d.state as Json).timestamp = '2026-02-30T10:00:00.000+0000';
      }),
      'detail.state.timestamp: invalid time "2026-02-30T10:00:00.000+0000"',
    ],
    [
      'an account that is not 12 digits',
      edited((e) => {
        e.account = '1234';
      }),
      'account: invalid AWS account "1234" (expected 12 digits)',
    ],
    [
      'a region that could inject a host name',
      edited((e) => {
        e.region = 'evil.example/x';
      }),
      'region: invalid AWS region "evil.example/x"',
    ],
    [
      'resources that are not a list',
      edited((e) => {
        e.resources = 'arn:aws:cloudwatch';
      }),
      'resources: expected a list, got "arn:aws:cloudwatch"',
    ],
    ['no object at all', null, '(event): expected an object, got null'],
  ])('rejects %s, naming the source, the field and the value', (_name, json, expected) => {
    const error = parseError(json);
    expect(error).toBeInstanceOf(HealOpsError);
    expect(error.name).toBe('AlarmEventError');
    expect(error.message).toContain(`events/cpu.json: ${expected}`);
  });

  it('reports only the envelope when the event is another kind of event', () => {
    const error = parseError({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' });
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('reports every bad field, one line each', () => {
    const error = parseError(
      edited((e, d) => {
        e.account = 'x';
        (d.state as Json).value = 'RED';
      }),
    );
    expect(error.message.split('\n')).toEqual([
      'events/cpu.json: account: invalid AWS account "x" (expected 12 digits)',
      'events/cpu.json: detail.state.value: invalid value "RED" (expected "ALARM" or "OK" or "INSUFFICIENT_DATA")',
    ]);
  });

  it('cuts long bad values in the message', () => {
    const error = parseError(
      edited((_e, d) => {
        (d.state as Json).value = 'X'.repeat(5000);
      }),
    );
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('alarmTimeToIso', () => {
  it.each([
    ['2019-10-02T17:04:40.989+0000', '2019-10-02T17:04:40.989Z'],
    ['2019-10-02T17:04:40Z', '2019-10-02T17:04:40.000Z'],
    ['2019-10-02T17:04:40.123456+05:30', '2019-10-02T11:34:40.123Z'],
    ['2019-10-02T17:04:40-0100', '2019-10-02T18:04:40.000Z'],
    ['2019-10-02 17:04:40Z', undefined],
    ['2019-10-02T17:04:40', undefined],
    ['2019-10-02T24:30:00Z', undefined],
    ['2019-04-31T10:00:00Z', undefined],
    ['', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(alarmTimeToIso(text)).toBe(expected);
  });
});
