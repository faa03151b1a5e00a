import type { MetricPoint } from '@healops/core';

// Series as a store returns them, in one comparable shape: labels (name included) and [timestamp ms, value] pairs,
// sorted so that two reads of the same data compare equal.

export interface Series {
  readonly labels: Record<string, string>;
  readonly samples: Array<[number, number]>;
}

/** Sorts series by labels and samples by time. */
export function normalize(series: readonly Series[]): Series[] {
  return series
    .map((s) => ({ labels: sortKeys(s.labels), samples: [...s.samples].sort((a, b) => a[0] - b[0]) }))
    .sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
}

/** The series a store should hold for `points`, with `labels` saying how one point is labelled there. */
export function expectedSeries(
  points: readonly MetricPoint[],
  labels: (point: MetricPoint) => Record<string, string>,
): Series[] {
  const byKey = new Map<string, Series>();
  for (const point of points) {
    const pointLabels = sortKeys(labels(point));
    const key = JSON.stringify(pointLabels);
    const series = byKey.get(key) ?? { labels: pointLabels, samples: [] };
    series.samples.push([Date.parse(point.time), point.value]);
    byKey.set(key, series);
  }
  return normalize([...byKey.values()]);
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Polls `read` until it returns `count` samples or more (bounded safety limit), then returns what it read. */
export async function readUntil(
  read: () => Promise<Series[]>,
  count: number,
  limitMs = 15_000,
): Promise<Series[]> {
  const deadline = Date.now() + limitMs;
  let last: Series[] = [];
  while (Date.now() < deadline) {
    last = await read();
    if (last.reduce((n, s) => n + s.samples.length, 0) >= count) return normalize(last);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return normalize(last);
}

/** Points at distinct recent millisecond times (inside any retention period, never in the future). */
export function recentTimes(count: number): string[] {
  const base = Date.now() - 10 * 60_000;
  return Array.from({ length: count }, (_, i) => new Date(base + i * 1_000 + 123 + i).toISOString());
}
