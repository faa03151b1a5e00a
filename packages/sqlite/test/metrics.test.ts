import type { MetricPoint } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { canonicalDimensions, SqliteStoreError } from '../src/index.js';
import { auditEvent, KEY, point, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

function seconds(n: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
}

interface DimensionsCase {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly expected: string;
}

describe('canonicalDimensions', () => {
  it.each<DimensionsCase>([
    { dimensions: {}, expected: '{}' },
    { dimensions: { b: '2', a: '1' }, expected: '{"a":"1","b":"2"}' },
    { dimensions: { a: '1', b: '2' }, expected: '{"a":"1","b":"2"}' },
    { dimensions: { '2': 'x', '10': 'y', B: 'z' }, expected: '{"10":"y","2":"x","B":"z"}' },
    { dimensions: { 'q"uote': 'line\nbreak' }, expected: '{"q\\"uote":"line\\nbreak"}' },
  ])('$expected', ({ dimensions, expected }) => {
    expect(canonicalDimensions(dimensions)).toBe(expected);
    expect(JSON.parse(canonicalDimensions(dimensions))).toEqual(dimensions);
  });
});

describe('SqliteStore as a MetricsSink and MetricsReader', () => {
  it('is named sqlite and round-trips points with ISO times, oldest first', async () => {
    const store = open(home());
    const later = point({ time: seconds(2), name: 'healops.check.duration_ms', value: 12.5, unit: 'ms' });
    const earlier = point({ time: seconds(1), value: 2 });
    await store.write([later, earlier]);
    await store.flush();
    expect(store.name).toBe('sqlite');
    expect(await store.queryMetrics({})).toEqual([earlier, later]);
  });

  it('normalises times to ISO UTC with milliseconds', async () => {
    const store = open(home());
    await store.write([point({ time: '2025-01-01T02:00:00+02:00' })]);
    expect((await store.queryMetrics({}))[0]?.time).toBe('2025-01-01T00:00:00.000Z');
  });

  it('filters by since, package, check and name', async () => {
    const store = open(home());
    const other = { ...point().dimensions, package: 'http', check: 'home' };
    await store.write([
      point({ time: seconds(1), value: 1 }),
      point({ time: seconds(2), value: 2, name: 'healops.check.duration_ms' }),
      point({ time: seconds(3), value: 3, dimensions: other }),
      point({ time: seconds(4), value: 4, dimensions: { ...other, package: KEY.package } }),
      point({ time: seconds(5), value: 5, name: 'load1', dimensions: { host: 'h' } }),
    ]);
    const values = async (query: Parameters<typeof store.queryMetrics>[0]) =>
      (await store.queryMetrics(query)).map((p) => p.value);
    expect(await values({})).toEqual([1, 2, 3, 4, 5]);
    expect(await values({ since: new Date(seconds(3)) })).toEqual([3, 4, 5]);
    expect(await values({ package: KEY.package })).toEqual([1, 2, 4]);
    expect(await values({ check: 'home' })).toEqual([3, 4]);
    expect(await values({ package: KEY.package, check: KEY.check })).toEqual([1, 2]);
    expect(await values({ name: 'healops.check.status' })).toEqual([1, 3, 4]);
    expect(await values({ name: 'healops.check.status', since: new Date(seconds(2)), limit: 1 })).toEqual([
      4,
    ]);
    expect(await values({ limit: 2 })).toEqual([4, 5]);
  });

  it('stores a point written twice only once, whatever the dimension key order', async () => {
    const store = open(home());
    const original = point({ value: 1, dimensions: { package: 'p', check: 'c', target: 't' } });
    const reordered = point({ value: 99, dimensions: { target: 't', check: 'c', package: 'p' } });
    await store.write([original, original]);
    await store.write([reordered]);
    expect(await store.queryMetrics({})).toEqual([original]);
  });

  it('stores points that differ only in time, name or dimensions separately', async () => {
    const store = open(home());
    await store.write([
      point(),
      point({ time: seconds(1) }),
      point({ name: 'healops.check.duration_ms' }),
      point({ dimensions: { ...point().dimensions, target: 'other' } }),
    ]);
    expect(await store.queryMetrics({})).toHaveLength(4);
  });

  it('writes 10,000 points in one call', async () => {
    const store = open(home());
    const points: MetricPoint[] = Array.from({ length: 10_000 }, (_, i) =>
      point({ time: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(), value: i }),
    );
    await store.write(points);
    const stored = await store.queryMetrics({ package: KEY.package, check: KEY.check });
    expect(stored).toHaveLength(10_000);
    expect(stored.at(-1)).toEqual(points.at(-1));
  });

  it.each([
    { label: 'NaN value', bad: point({ value: Number.NaN }) },
    { label: 'infinite value', bad: point({ value: Number.POSITIVE_INFINITY }) },
    { label: 'unparsable time', bad: point({ time: 'soon' }) },
  ])('rejects a batch holding a point with an $label and stores none of it', async ({ bad }) => {
    const store = open(home());
    await expect(store.write([point({ time: seconds(9) }), bad])).rejects.toThrow(SqliteStoreError);
    expect(await store.queryMetrics({})).toEqual([]);
  });

  it('prunes metric points older than a date, keeps newer points and every audit event', async () => {
    const store = open(home());
    await store.write([1, 2, 3, 4].map((n) => point({ time: seconds(n), value: n })));
    await store.append([auditEvent({ time: seconds(1) })]);
    expect(await store.prune(new Date(seconds(3)))).toBe(2);
    expect((await store.queryMetrics({})).map((p) => p.value)).toEqual([3, 4]);
    expect(await store.queryAudit({})).toHaveLength(1);
    expect(await store.prune(new Date(seconds(3)))).toBe(0);
  });
});
