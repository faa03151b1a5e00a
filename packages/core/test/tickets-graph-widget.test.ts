import { describe, expect, it } from 'vitest';
import { EMF_DEFAULT_NAMESPACE } from '../src/metrics/emf-document.js';
import {
  GRAPH_WIDGET_DEFAULTS,
  graphActionId,
  graphObjectKey,
  graphWidget,
  hasStatusGraph,
} from '../src/tickets/graph-widget.js';
import { makeTicketEvent } from './support/tickets-fixtures.js';

describe('graphWidget', () => {
  it('graphs the check status of the problem target in its environment, warning and critical marked', () => {
    const widget = graphWidget(makeTicketEvent());
    expect(widget.metrics).toEqual([
      [
        EMF_DEFAULT_NAMESPACE,
        'healops.check.status',
        'package',
        'web',
        'check',
        'nginx-up',
        'target',
        'web-1',
        'environment',
        'prod',
      ],
    ]);
    expect(widget.title).toBe('web/nginx-up on web-1');
    expect(widget.start).toBe('-PT6H');
    expect(widget.end).toBe('P0D');
    expect(widget.stat).toBe('Maximum');
    expect([widget.width, widget.height]).toEqual([
      GRAPH_WIDGET_DEFAULTS.width,
      GRAPH_WIDGET_DEFAULTS.height,
    ]);
    expect(widget.annotations.horizontal).toEqual([
      expect.objectContaining({ label: 'warning', value: 1 }),
      expect.objectContaining({ label: 'critical', value: 2 }),
    ]);
    // What GetMetricWidgetImage is sent: a JSON string that parses back to the same widget.
    expect(JSON.parse(JSON.stringify(widget))).toEqual(widget);
  });

  it('takes the namespace, the time span and the size from its options, ignoring nonsense values', () => {
    const widget = graphWidget(makeTicketEvent(), {
      namespace: 'Ops/Prod',
      hours: 24,
      width: 800,
      height: 0,
    });
    expect(widget.metrics[0]?.[0]).toBe('Ops/Prod');
    expect(widget.start).toBe('-PT24H');
    expect(widget.width).toBe(800);
    expect(widget.height).toBe(GRAPH_WIDGET_DEFAULTS.height);
    expect(graphWidget(makeTicketEvent(), { hours: Number.NaN }).start).toBe('-PT6H');
  });

  it('has no graph for a CloudWatch alarm ticket (no status series behind it)', () => {
    expect(hasStatusGraph(makeTicketEvent())).toBe(true);
    const alarm = makeTicketEvent({
      key: { package: 'cloudwatch', check: 'api-5xx', target: '1234/eu-west-1' },
    });
    expect(hasStatusGraph(alarm)).toBe(false);
  });
});

describe('graphObjectKey', () => {
  it('is the same for every route and retry of one action, and differs per action and problem', () => {
    const trigger = makeTicketEvent();
    const key = graphObjectKey(trigger);
    expect(key).toMatch(/^graphs\/[0-9a-f]{32}\/trigger-20260301T100140000Z\.png$/);
    expect(graphObjectKey({ ...trigger })).toBe(key);
    expect(graphObjectKey(makeTicketEvent({ action: 'update' }))).not.toBe(key);
    expect(graphObjectKey(makeTicketEvent({ occurredAt: '2026-03-01T10:05:00.000Z' }))).not.toBe(key);
    expect(graphObjectKey(makeTicketEvent({ dedupKey: 'healops/web/nginx-up/web-2' }))).not.toBe(key);
    expect(graphObjectKey(trigger, 'img')).toMatch(/^img\//);
  });

  it('keeps the dedup key (host names) out of the object key and stays a safe S3 key for odd times', () => {
    const key = graphObjectKey(makeTicketEvent({ dedupKey: 'healops/web/nginx-up/secret host ä' }));
    expect(key).not.toContain('secret');
    expect(graphActionId(makeTicketEvent({ occurredAt: 'not a time' }))).toMatch(/^trigger-[0-9a-f]{16}$/);
  });
});
