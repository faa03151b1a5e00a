import { describe, expect, it } from 'vitest';
import { problemDedupKey } from '../src/engine/lifecycle.js';
import type { Problem } from '../src/model/state.js';
import { parseAlarmEvent } from '../src/tickets/alarm-event.js';
import { ALARM_CHECK_NAME_MAX, alarmCheckName, alarmKey } from '../src/tickets/alarm-key.js';
import {
  ALARM_OUTPUT_MAX,
  alarmConsoleUrl,
  alarmReasonShape,
  alarmRun,
  alarmSeverity,
  alarmSummary,
  alarmTicket,
} from '../src/tickets/alarm-ticket.js';
import { jiraCreateIssue } from '../src/tickets/jira-issue.js';
import { PAGERDUTY_SUMMARY_MAX, pagerDutyEvent } from '../src/tickets/pagerduty-event.js';
import { alarmChange, compositeAlarmEvent, metricAlarmEvent } from './support/alarm-fixtures.js';
import { openApiProblems } from './support/tickets-openapi.js';

const parse = (json: unknown) => parseAlarmEvent(json, 'test.json');

describe('alarmCheckName', () => {
  it.each([
    ['ServerCpuTooHigh', 'ServerCpuTooHigh'],
    ['prod.api_5xx-rate', 'prod.api_5xx-rate'],
    ['a'.repeat(ALARM_CHECK_NAME_MAX), 'a'.repeat(ALARM_CHECK_NAME_MAX)],
  ])('keeps the safe name %j', (name, expected) => {
    expect(alarmCheckName(name)).toBe(expected);
  });

  it.each([
    ['EC2 CPU Utilization Anomaly', /^EC2-CPU-Utilization-Anomaly-[0-9a-f]{8}$/],
    ['web/api: 5xx > 1%', /^web-api-5xx-1-[0-9a-f]{8}$/],
    ['-leading dash', /^leading-dash-[0-9a-f]{8}$/],
    ['ディスク使用率', /^alarm-[0-9a-f]{8}$/],
    ['disk-deadbeef', /^disk-deadbeef-[0-9a-f]{8}$/],
    ['x'.repeat(255), new RegExp(`^x{${ALARM_CHECK_NAME_MAX}}-[0-9a-f]{8}$`)],
  ])('makes %j readable and unique with a hash', (name, pattern) => {
    const check = alarmCheckName(name);
    expect(check).toMatch(pattern);
    expect(check).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(alarmCheckName(name)).toBe(check);
  });

  it('gives distinct names for names that read alike, and is stable', () => {
    const names = [
      'web api',
      'web/api',
      'web-api',
      'web--api',
      'web api ',
      'Web api',
      `${'p'.repeat(200)}-one`,
      `${'p'.repeat(200)}-two`,
      'ServerCpuTooHigh',
      'ServerCpuTooHigh ',
      'x-0123abcd',
      'x 0123abcd',
    ];
    const checks = names.map(alarmCheckName);
    expect(new Set(checks).size).toBe(names.length);
    // Pinned: the hash must never change between releases, or open problems would lose their tickets.
    expect(alarmCheckName('web api')).toBe('web-api-bb88f709');
    for (const check of checks) expect(check.length).toBeLessThanOrEqual(ALARM_CHECK_NAME_MAX + 9);
  });
});

describe('alarmKey', () => {
  it('keys the problem by package cloudwatch, the alarm, and account/region', () => {
    const key = alarmKey(parse(compositeAlarmEvent()));
    expect(key).toEqual({
      package: 'cloudwatch',
      check: 'ServiceAggregatedAlarm',
      target: '123456789012/eu-west-1',
    });
    expect(problemDedupKey(key)).toBe('healops/cloudwatch/ServiceAggregatedAlarm/123456789012/eu-west-1');
  });

  it('keeps the same alarm name in two regions apart', () => {
    const east = alarmKey(parse(alarmChange({ id: '1', value: 'ALARM', at: '2026-03-02T10:00:00Z' })));
    const west = alarmKey(
      parse(alarmChange({ id: '2', value: 'ALARM', at: '2026-03-02T10:00:00Z', region: 'us-west-2' })),
    );
    expect(problemDedupKey(east)).not.toBe(problemDedupKey(west));
  });
});

describe('alarmSeverity', () => {
  const withDescription = (description: string) =>
    parse(alarmChange({ id: '1', value: 'ALARM', at: '2026-03-02T10:00:00Z', description }));

  it.each([
    ['severity=critical', 'critical'],
    ['Disk almost full. severity=warning', 'warning'],
    ['Severity: INFO for the dashboard', 'info'],
    ['severity = error', 'error'],
    ['[critical] payments API down', 'critical'],
    ['payments API slow [Warning]', 'warning'],
    ['severity=warning [critical]', 'warning'],
    ['no level named here', 'error'],
    ['severity=fatal', 'error'],
    ['lowseverity=critical', 'error'],
    ['severity=criticality', 'error'],
    ['[critical-path] service', 'error'],
  ])('%j -> %s', (description, expected) => {
    expect(alarmSeverity(withDescription(description), 'error')).toBe(expected);
  });

  it('falls back to the caller’s default', () => {
    expect(alarmSeverity(withDescription('plain'), 'info')).toBe('info');
  });

  it('reads a propagated severity tag when the description names none', () => {
    expect(alarmSeverity(parse(compositeAlarmEvent()), 'error')).toBe('warning');
  });
});

describe('alarmConsoleUrl', () => {
  it.each([
    [
      'us-east-1',
      'ServerCpuTooHigh',
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/ServerCpuTooHigh',
    ],
    [
      'eu-west-1',
      'web/api: 5xx > 1% #prod & more?',
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/web%2Fapi%3A%205xx%20%3E%201%25%20%23prod%20%26%20more%3F',
    ],
    [
      'ap-northeast-1',
      'ディスク',
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/%E3%83%87%E3%82%A3%E3%82%B9%E3%82%AF',
    ],
    [
      'cn-north-1',
      'a b',
      'https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a%20b',
    ],
  ])('%s / %j', (region, name, expected) => {
    const url = alarmConsoleUrl(region, name);
    expect(url).toBe(expected);
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('https:');
    expect(decodeURIComponent(parsed.hash.slice('#alarmsV2:alarm/'.length))).toBe(name);
  });
});

describe('alarmReasonShape', () => {
  it.each([
    [
      'Threshold Crossed: 1 out of the last 1 datapoints [99.5 (02/03/26 16:59:00)] was greater than the threshold (50.0).',
      'Threshold Crossed: 3 out of the last 5 datapoints [1.0E-4 (02/03/26 17:09:00)] was greater than the threshold (-5.0).',
      true,
    ],
    [
      'Threshold Crossed: 1 datapoint [0.0] was less than the lower thresholds [0.02]',
      'Threshold Crossed: 1 datapoint [0.9] was greater than the upper thresholds [0.3]',
      false,
    ],
    [
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-1 transitioned to ALARM at Monday 02 March, 2026 15:57:45 UTC',
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-2 transitioned to ALARM at Monday 02 March, 2026 16:01:02 UTC',
      false,
    ],
  ])('%j and %j say the same: %s', (a, b, same) => {
    expect(alarmReasonShape(a) === alarmReasonShape(b)).toBe(same);
  });
});

describe('alarm tickets', () => {
  const problemOf = (dedupKey: string): Problem => ({
    dedupKey,
    openedAt: '2026-03-02T17:04:40.989Z',
    severity: 'critical',
    reason: 'cloudwatch-alarm',
    lastStatus: 'critical',
    lastOutput: 'x',
    updatedAt: '2026-03-02T17:04:40.989Z',
    occurrences: 1,
  });

  it('summarizes the alarm, bounds the output and links the console', () => {
    const event = parse(metricAlarmEvent());
    const key = alarmKey(event);
    const run = alarmRun(event, key);
    expect(alarmSummary(event)).toBe(
      'CloudWatch alarm ServerCpuTooHigh in us-east-1: ALARM - Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/03/26 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    expect(run.status).toBe('critical');
    expect(run.output.split('\n')[1]).toContain('"recentDatapoints":[99.50160229693434]');
    const ticket = alarmTicket({
      action: 'trigger',
      event,
      key,
      problem: problemOf(problemDedupKey(key)),
      run,
      environment: 'prod',
      at: new Date('2026-03-02T17:04:41Z'),
    });
    expect(ticket.links).toEqual([
      {
        href: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/ServerCpuTooHigh',
        text: 'CloudWatch alarm ServerCpuTooHigh',
      },
    ]);
    expect(ticket.detail).toBe(
      'OK -> ALARM at 2026-03-02T17:04:40.989Z: Goes into alarm when server CPU utilization is too high! severity=critical',
    );
    expect(ticket.environment).toBe('prod');
  });

  it('builds PagerDuty and Jira bodies the official schemas accept, even for a long, odd alarm', () => {
    const name = `payments / checkout: p99 > 2s\n${'ü'.repeat(240)}`;
    const event = parse(
      alarmChange({ id: '9', name, value: 'ALARM', at: '2026-03-02T10:00:00Z', reason: 'r'.repeat(5000) }),
    );
    const key = alarmKey(event);
    const run = alarmRun(event, key);
    expect(run.output.length).toBeLessThanOrEqual(ALARM_OUTPUT_MAX);
    expect(run.truncated).toBe(true);
    const ticket = alarmTicket({
      action: 'trigger',
      event,
      key,
      problem: problemOf(problemDedupKey(key)),
      run,
      environment: 'prod',
      at: new Date('2026-03-02T10:00:01Z'),
    });
    const pd = pagerDutyEvent(ticket, 'routing-key-123');
    expect(openApiProblems('pagerDutyEnqueue', pd)).toEqual([]);
    if (pd.event_action !== 'trigger') throw new Error('expected a trigger');
    expect(pd.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX);
    expect(pd.links?.[0]?.href).toBe(alarmConsoleUrl('us-east-1', name));
    const jira = jiraCreateIssue(ticket, { project: 'OPS', issueType: 'Incident' });
    expect(openApiProblems('jiraCreateIssue', jira)).toEqual([]);
    expect(jira.fields.summary).not.toContain('\n');
  });
});
