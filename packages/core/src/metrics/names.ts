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
