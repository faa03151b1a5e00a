import { CloudWatchApiError } from './errors.js';

/*
 * What GetMetricWidgetImage checks in its MetricWidget before rendering (the metric widget structure,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html): the
 * string is a JSON object with a non-empty `metrics` array, each metric `[namespace, name, (dimension, value)*]`
 * optionally followed by an options object, and width/height (default 600 x 400) within 1..2000.
 */

export const WIDGET_LIMITS = { defaultWidth: 600, defaultHeight: 400, maxSide: 2000 } as const;

export interface CheckedWidget {
  readonly widget: Record<string, unknown>;
  readonly width: number;
  readonly height: number;
}

export function checkWidget(text: unknown): CheckedWidget {
  if (typeof text !== 'string' || text === '') throw invalid('MetricWidget is required');
  let widget: unknown;
  try {
    widget = JSON.parse(text);
  } catch {
    throw invalid('MetricWidget is not valid JSON');
  }
  if (typeof widget !== 'object' || widget === null || Array.isArray(widget)) {
    throw invalid('MetricWidget must be a JSON object');
  }
  const record = widget as Record<string, unknown>;
  const metrics = record.metrics;
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw invalid('The metrics field of MetricWidget must be a non-empty array');
  }
  metrics.forEach(checkMetric);
  return {
    widget: record,
    width: side(record.width, 'width', WIDGET_LIMITS.defaultWidth),
    height: side(record.height, 'height', WIDGET_LIMITS.defaultHeight),
  };
}

function checkMetric(metric: unknown, index: number): void {
  if (!Array.isArray(metric)) throw invalid(`metrics[${index}] must be an array`);
  const last: unknown = metric.at(-1);
  const names =
    typeof last === 'object' && last !== null && !Array.isArray(last) ? metric.slice(0, -1) : metric;
  if (names.some((part) => typeof part !== 'string' || part === '')) {
    throw invalid(`metrics[${index}]: namespace, metric name and dimensions must be non-empty strings`);
  }
  if (names.length < 2 || names.length % 2 !== 0) {
    throw invalid(`metrics[${index}] must be [namespace, metricName, (dimensionName, dimensionValue)*]`);
  }
}

function side(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > WIDGET_LIMITS.maxSide) {
    throw invalid(`${name} must be an integer between 1 and ${WIDGET_LIMITS.maxSide}`);
  }
  return value;
}

function invalid(message: string): CloudWatchApiError {
  return new CloudWatchApiError('InvalidParameterValue', message);
}
