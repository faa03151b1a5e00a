import { EMF_DEFAULT_NAMESPACE } from '../metrics/emf-document.js';
import { BASE_DIMENSIONS, METRIC } from '../metrics/names.js';
import { STATUS_CODES } from '../model/status.js';
import { sha256Hex } from '../ssm/sha256.js';
import { ALARM_PACKAGE } from './alarm-key.js';
import type { TicketEvent } from './ticket-event.js';

// The graph a ticket links to: CloudWatch's GetMetricWidgetImage renders this widget (the JSON of a dashboard
// metric widget, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html)
// as a PNG. It shows the problem's own healops.check.status series (the per-target dimension set every EMF
// configuration keeps, see emf-dimensions.ts) with the warning and critical levels as lines.

export interface GraphWidgetOptions {
  /** CloudWatch namespace of the HealOps metrics (default EMF_DEFAULT_NAMESPACE). */
  readonly namespace?: string;
  /** How far back the graph goes, in hours (default 6). */
  readonly hours?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Where in the deployment's output bucket ticket graph images go (the notify function writes and signs them). */
export const GRAPH_OBJECT_PREFIX = 'graphs';

export const GRAPH_WIDGET_DEFAULTS = {
  hours: 6,
  width: 600,
  height: 300,
  /** One point a minute: checks run every minute at most. */
  periodSeconds: 60,
} as const;

/** The subset of the metric widget structure HealOps sends. */
export interface MetricWidget {
  readonly metrics: ReadonlyArray<readonly string[]>;
  readonly view: 'timeSeries';
  readonly stat: 'Maximum';
  readonly period: number;
  readonly start: string;
  readonly end: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly legend: { readonly position: 'hidden' };
  readonly yAxis: {
    readonly left: { readonly min: number; readonly max: number; readonly showUnits: boolean };
  };
  readonly annotations: {
    readonly horizontal: ReadonlyArray<{
      readonly label: string;
      readonly value: number;
      readonly color: string;
    }>;
  };
}

/** True when the event is about a HealOps check with a status series (an alarm ticket has none). */
export function hasStatusGraph(event: TicketEvent): boolean {
  return event.key.package !== ALARM_PACKAGE;
}

/** The widget for the event's problem: its check status over the last `hours`, warning and critical marked. */
export function graphWidget(event: TicketEvent, options: GraphWidgetOptions = {}): MetricWidget {
  const hours = positive(options.hours, GRAPH_WIDGET_DEFAULTS.hours);
  const values: Record<(typeof BASE_DIMENSIONS)[number], string> = {
    package: event.key.package,
    check: event.key.check,
    target: event.key.target,
    environment: event.environment,
  };
  return {
    metrics: [
      [
        options.namespace ?? EMF_DEFAULT_NAMESPACE,
        METRIC.checkStatus,
        ...BASE_DIMENSIONS.flatMap((name) => [name, values[name]]),
      ],
    ],
    view: 'timeSeries',
    stat: 'Maximum',
    period: GRAPH_WIDGET_DEFAULTS.periodSeconds,
    start: `-PT${hours}H`,
    end: 'P0D',
    width: Math.round(positive(options.width, GRAPH_WIDGET_DEFAULTS.width)),
    height: Math.round(positive(options.height, GRAPH_WIDGET_DEFAULTS.height)),
    title: `${event.key.package}/${event.key.check} on ${event.key.target}`,
    legend: { position: 'hidden' },
    yAxis: { left: { min: 0, max: STATUS_CODES.unknown, showUnits: false } },
    annotations: {
      horizontal: [
        { label: 'warning', value: STATUS_CODES.warning, color: '#ff7f0e' },
        { label: 'critical', value: STATUS_CODES.critical, color: '#d62728' },
      ],
    },
  };
}

/**
 * Where the image of one ticket action is kept: `graphs/<hash of the dedup key>/<action>-<time>.png`. The same for
 * every route and every retry of the action, so the image is rendered once and a retried send links the same one.
 */
export function graphObjectKey(event: TicketEvent, prefix = GRAPH_OBJECT_PREFIX): string {
  const problem = sha256Hex(event.dedupKey).slice(0, 32);
  return `${prefix}/${problem}/${graphActionId(event)}.png`;
}

/** One ticket action of a problem: its action and the time it happened, e.g. `trigger-20260301T100140000Z`. */
export function graphActionId(event: TicketEvent): string {
  const millis = Date.parse(event.occurredAt);
  const time = Number.isNaN(millis)
    ? sha256Hex(event.occurredAt).slice(0, 16)
    : new Date(millis).toISOString().replace(/[-:.]/g, '');
  return `${event.action}-${time}`;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
