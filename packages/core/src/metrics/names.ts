import type { MetricPoint } from '../model/results.js';
/** Every metric name HealOps emits, named once. Sinks and alarms depend on these staying stable. */
export const METRIC = {
  checkStatus: 'healops.check.status',
  checkDuration: 'healops.check.duration_ms',
  repair: 'healops.repair',
  repairDuration: 'healops.repair.duration_ms',
  escalation: 'healops.escalation',
  heartbeat: 'healops.heartbeat',
  sinkPending: 'healops.sink.pending',
  sinkDropped: 'healops.sink.dropped',
  ticketsPending: 'healops.tickets.pending',
  ticketsDead: 'healops.tickets.dead',
  perfPrefix: 'healops.perf.',
} as const;

/** Dimensions present on every point. */
/** The `runner` dimension of the AWS deployment's heartbeat (the CLI's is its host name); the dead-man alarm watches it. */
export const AWS_HEARTBEAT_RUNNER = 'aws';

/** One `healops.heartbeat` point: a runner is alive (a cycle finished, a check invocation ran). */
export function heartbeatPoint(runner: string, at: Date): MetricPoint {
  return { time: at.toISOString(), name: METRIC.heartbeat, value: 1, unit: '', dimensions: { runner } };
}

export const BASE_DIMENSIONS = ['package', 'check', 'target', 'environment'] as const;

/**
 * `healops.perf.<label>`: the label as the plugin wrote it, with whitespace and characters that time-series stores
 * reject folded to `_` (`'C:\ Used'` → `healops.perf.C:_Used`).
 */
export function perfMetricName(label: string): string {
  const cleaned = label
    .trim()
    .replace(/[^A-Za-z0-9_.:/%-]+/g, '_')
    .replace(/_+/g, '_');
  return `${METRIC.perfPrefix}${cleaned === '' ? '_' : cleaned}`;
}

/**
 * Metric families: the names an `emf` sink's `dimensions` option configures together. `status` is
 * healops.check.status, `duration` healops.check.duration_ms, `perfdata` every healops.perf.<label>, `repair`
 * healops.repair and healops.repair.duration_ms, `escalation` healops.escalation, `heartbeat` healops.heartbeat,
 * `sink` healops.sink.pending / .dropped, `tickets` healops.tickets.pending / .dead.
 */
export const METRIC_FAMILIES = [
  'status',
  'duration',
  'perfdata',
  'repair',
  'escalation',
  'heartbeat',
  'sink',
  'tickets',
] as const;

export type MetricFamily = (typeof METRIC_FAMILIES)[number];

const FAMILY_OF: Readonly<Record<string, MetricFamily>> = {
  [METRIC.checkStatus]: 'status',
  [METRIC.checkDuration]: 'duration',
  [METRIC.repair]: 'repair',
  [METRIC.repairDuration]: 'repair',
  [METRIC.escalation]: 'escalation',
  [METRIC.heartbeat]: 'heartbeat',
  [METRIC.sinkPending]: 'sink',
  [METRIC.sinkDropped]: 'sink',
  [METRIC.ticketsPending]: 'tickets',
  [METRIC.ticketsDead]: 'tickets',
};

/** The family of a metric name; undefined for a name HealOps does not emit itself. */
export function metricFamily(name: string): MetricFamily | undefined {
  if (Object.hasOwn(FAMILY_OF, name)) return FAMILY_OF[name];
  return name.startsWith(METRIC.perfPrefix) ? 'perfdata' : undefined;
}
