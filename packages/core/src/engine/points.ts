import { METRIC, perfMetricName } from '../metrics/names.js';
import type { ResolvedCheck } from '../model/check.js';
import type { CheckRun, MetricPoint, RepairAttempt } from '../model/results.js';
import { STATUS_CODES } from '../model/status.js';

export function dimensionsOf(check: ResolvedCheck, target: string): Record<string, string> {
  return { package: check.package, check: check.name, target, environment: check.environment };
}

/** Status (checks only), duration and one point per perfdata label of one run. */
export function runPoints(check: ResolvedCheck, run: CheckRun): MetricPoint[] {
  const dimensions = dimensionsOf(check, run.key.target);
  const time = run.startedAt;
  const points: MetricPoint[] = [];
  if (check.kind === 'check') {
    points.push({ time, name: METRIC.checkStatus, value: STATUS_CODES[run.status], unit: '', dimensions });
  }
  points.push({ time, name: METRIC.checkDuration, value: round(run.durationMs), unit: 'ms', dimensions });
  // Labels that fold to the same metric name ('a b' and 'a_b', or one label printed twice) would overwrite each
  // other in every store: later ones get a stable suffix (_2, _3, ...) instead.
  const used = new Map<string, number>();
  for (const datum of run.perfdata) {
    if (datum.value === null) continue;
    const base = perfMetricName(datum.label);
    const seen = (used.get(base) ?? 0) + 1;
    used.set(base, seen);
    const name = seen === 1 ? base : `${base}_${seen}`;
    points.push({ time, name, value: datum.value, unit: datum.uom, dimensions });
  }
  return points;
}

/** `healops.repair` (1 = the re-check passed, 0 = it did not) and its duration, per repair round. */
export function repairPoints(check: ResolvedCheck, target: string, attempt: RepairAttempt): MetricPoint[] {
  const dimensions = dimensionsOf(check, target);
  return [
    { time: attempt.startedAt, name: METRIC.repair, value: attempt.succeeded ? 1 : 0, unit: '', dimensions },
    {
      time: attempt.startedAt,
      name: METRIC.repairDuration,
      value: round(attempt.durationMs),
      unit: 'ms',
      dimensions,
    },
  ];
}

export function escalationPoint(check: ResolvedCheck, target: string, time: Date): MetricPoint {
  return {
    time: time.toISOString(),
    name: METRIC.escalation,
    value: 1,
    unit: '',
    dimensions: { ...dimensionsOf(check, target), severity: check.severity },
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
