import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../src/model/status.js';
import {
  PAGERDUTY_DEDUP_KEY_MAX,
  PAGERDUTY_SUMMARY_MAX,
  type PagerDutyEventBody,
  type PagerDutyTriggerBody,
  pagerDutyDedupKey,
  pagerDutyEvent,
} from '../src/tickets/pagerduty-event.js';
import { makeTicketEvent } from './support/tickets-fixtures.js';
import { openApiProblems } from './support/tickets-openapi.js';

const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';

/** The official schema, plus the API rules it does not state (payload on trigger, dedup_key and summary limits). */
function expectValidEnqueue(body: PagerDutyEventBody): void {
  expect(openApiProblems('pagerDutyEnqueue', body)).toEqual([]);
  expect(body.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_DEDUP_KEY_MAX);
  if (body.event_action === 'trigger') {
    expect(body.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX);
    expect(body.payload.summary).not.toMatch(/\n/);
  }
}

function trigger(body: PagerDutyEventBody): PagerDutyTriggerBody {
  if (body.event_action !== 'trigger') throw new Error(`expected a trigger, got ${body.event_action}`);
  return body;
}

describe('the PagerDuty schema validator', () => {
  it.each([
    ['an unknown event_action', { routing_key: ROUTING_KEY, event_action: 'update', dedup_key: 'k' }],
    ['a missing routing_key', { event_action: 'resolve', dedup_key: 'k' }],
    [
      'a severity PagerDuty does not know',
      {
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        payload: { summary: 's', source: 'h', severity: 'fatal' },
      },
    ],
    [
      'a payload without source',
      { routing_key: ROUTING_KEY, event_action: 'trigger', payload: { summary: 's', severity: 'info' } },
    ],
    [
      'a timestamp that is not date-time',
      {
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        payload: { summary: 's', source: 'h', severity: 'info', timestamp: 'yesterday' },
      },
    ],
    [
      'a link that is not a URL',
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'k', links: [{ href: 'not a url' }] },
    ],
  ])('rejects %s', (_name, body) => {
    expect(openApiProblems('pagerDutyEnqueue', body)).not.toEqual([]);
  });
});

describe('pagerDutyEvent', () => {
  it('maps a trigger onto the Events API v2 fields', () => {
    const body = trigger(pagerDutyEvent(makeTicketEvent(), ROUTING_KEY));
    expectValidEnqueue(body);
    expect(body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'healops/web/nginx-up/web-1',
      payload: {
        summary: 'web/nginx-up on web-1: CRITICAL - connection refused',
        source: 'web-1',
        severity: 'critical',
        component: 'web',
        group: 'prod',
        class: 'nginx-up',
        timestamp: '2026-03-01T10:01:40.000Z',
      },
    });
  });

  it('puts output, perfdata, reason, detail, repairs and first-seen time in custom_details', () => {
    const details = trigger(pagerDutyEvent(makeTicketEvent(), ROUTING_KEY)).payload.custom_details;
    expect(details.output).toContain('connection refused');
    expect(details.perfdata).toEqual({ time: '0.002s', size: '0B', load: 'U' });
    expect(details.reason).toBe('repair-failed');
    expect(details.detail).toContain('still fails');
    expect(details.first_seen).toBe('2026-03-01T09:59:00.000Z');
    expect(details.repairs).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', exit_code: 1, verify_status: 'critical' }),
      expect.objectContaining({ attempt: 2, outcome: 'failed', exit_code: null, timed_out: true }),
    ]);
  });

  it('re-triggers with the same dedup_key for an update', () => {
    const first = pagerDutyEvent(makeTicketEvent(), ROUTING_KEY);
    const update = pagerDutyEvent(makeTicketEvent({ action: 'update', summary: 'still down' }), ROUTING_KEY);
    expectValidEnqueue(update);
    expect(update.event_action).toBe('trigger');
    expect(update.dedup_key).toBe(first.dedup_key);
  });

  it('sends a resolve with only routing_key, event_action and dedup_key', () => {
    const body = pagerDutyEvent(makeTicketEvent({ action: 'resolve', status: 'ok' }), ROUTING_KEY);
    expectValidEnqueue(body);
    expect(body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'healops/web/nginx-up/web-1',
    });
  });

  it.each(SEVERITIES)('maps severity %s', (severity) => {
    const body = trigger(pagerDutyEvent(makeTicketEvent({ severity }), ROUTING_KEY));
    expectValidEnqueue(body);
    expect(body.payload.severity).toBe(severity);
  });

  it.each([
    ['short', 'x'.repeat(10), 10, false],
    ['exactly the limit', 'x'.repeat(1024), 1024, false],
    ['one over the limit', 'x'.repeat(1025), 1024, true],
    ['far over the limit', 'y'.repeat(5000), 1024, true],
    ['over the limit with an emoji on the cut', `${'x'.repeat(1022)}😀😀`, 1023, true],
    ['multi-line', 'line one\nline two', 17, false],
  ])('keeps a %s summary within 1024 characters', (_name, summary, length, cut) => {
    const body = trigger(pagerDutyEvent(makeTicketEvent({ summary }), ROUTING_KEY));
    expectValidEnqueue(body);
    expect(body.payload.summary).toHaveLength(length);
    expect(body.payload.summary.endsWith('…')).toBe(cut);
    expect(body.payload.summary).not.toMatch(/\p{Cs}/u);
  });

  it.each([
    [
      'https runbook and links',
      'https://rb.example/x',
      [{ href: 'https://s.example', text: 'S' }],
      ['https://rb.example/x', 'https://s.example'],
    ],
    [
      'http runbook dropped',
      'http://rb.example/x',
      [{ href: 'https://s.example', text: 'S' }],
      ['https://s.example'],
    ],
    ['relative runbook dropped', 'docs/runbook.md', [], []],
    ['javascript link dropped', undefined, [{ href: 'javascript:alert(1)', text: 'x' }], []],
    [
      'duplicate links once',
      'https://a.example',
      [{ href: 'https://a.example', text: 'A' }],
      ['https://a.example'],
    ],
  ])('sends only https links: %s', (_name, runbook, links, expected) => {
    const body = trigger(pagerDutyEvent(makeTicketEvent({ runbook, links }), ROUTING_KEY));
    expectValidEnqueue(body);
    expect((body.links ?? []).map((l) => l.href)).toEqual(expected);
  });

  it.each([
    ['https image', 'https://g.example/a.png', ['https://g.example/a.png']],
    ['http image dropped', 'http://g.example/a.png', []],
    ['no image', undefined, []],
    ['garbage dropped', 'not a url', []],
  ])('sends only https images: %s', (_name, imageUrl, expected) => {
    const body = trigger(pagerDutyEvent(makeTicketEvent({ imageUrl }), ROUTING_KEY));
    expectValidEnqueue(body);
    expect((body.images ?? []).map((i) => i.src)).toEqual(expected);
  });

  it('omits the timestamp when occurredAt is not a time', () => {
    const body = trigger(pagerDutyEvent(makeTicketEvent({ occurredAt: 'not a time' }), ROUTING_KEY));
    expectValidEnqueue(body);
    expect(body.payload).not.toHaveProperty('timestamp');
  });

  it('keeps a long dedup key within 255 characters, stable and distinct for trigger and resolve', () => {
    const long = `healops/web/${'c'.repeat(300)}/web-1`;
    const other = `healops/web/${'c'.repeat(300)}/web-2`;
    const triggered = pagerDutyEvent(makeTicketEvent({ dedupKey: long }), ROUTING_KEY);
    const resolved = pagerDutyEvent(makeTicketEvent({ dedupKey: long, action: 'resolve' }), ROUTING_KEY);
    expectValidEnqueue(triggered);
    expectValidEnqueue(resolved);
    expect(resolved.dedup_key).toBe(triggered.dedup_key);
    expect(pagerDutyDedupKey(other)).not.toBe(triggered.dedup_key);
    expect(pagerDutyDedupKey('healops/a/b/c')).toBe('healops/a/b/c');
  });
});
