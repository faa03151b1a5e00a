import type { MetricPoint } from '../model/results.js';

/** Points of one result share a time and dimensions (Timestream makes them one record). */
function resultKey(point: MetricPoint): string {
  const dims = Object.entries(point.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${point.time}\u0000${JSON.stringify(dims)}`;
}

/** Consecutive points grouped by result. */
export function resultGroups(points: readonly MetricPoint[]): MetricPoint[][] {
  const groups: MetricPoint[][] = [];
  let lastKey: string | undefined;
  for (const point of points) {
    const key = resultKey(point);
    if (key === lastKey) groups[groups.length - 1]?.push(point);
    else groups.push([point]);
    lastKey = key;
  }
  return groups;
}

/** Consecutive chunks of at most `size` points that keep each result whole (a larger result goes alone). */
export function resultChunks(points: readonly MetricPoint[], size: number): MetricPoint[][] {
  const out: MetricPoint[][] = [];
  let current: MetricPoint[] = [];
  for (const group of resultGroups(points)) {
    if (current.length > 0 && current.length + group.length > size) {
      out.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) out.push(current);
  return out;
}
