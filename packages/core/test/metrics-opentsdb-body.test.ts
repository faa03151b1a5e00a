import { describe, expect, it } from 'vitest';
import { encodeOpenTsdb, OPENTSDB_MAX_TAGS, sanitizeOpenTsdb } from '../src/metrics/opentsdb-body.js';
import type { MetricPoint } from '../src/model/results.js';

const TIME = '2025-03-04T05:06:07.089Z';
const MS = Date.parse(TIME);
const BASE = { package: 'web', check: 'http', target: 'local', environment: 'prod' };

function point(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return { time: TIME, name: 'healops.check.status', value: 2, unit: '', dimensions: BASE, ...overrides };
}

describe('sanitizeOpenTsdb', () => {
  it.each([
    ['healops.check.status', 'healops.check.status'],
    ['a-z_A-Z/0.9', 'a-z_A-Z/0.9'],
    ['C:\\ Used', 'C___Used'],
    ['a,b=c"d\'e', 'a_b_c_d_e'],
    ['line\nbreak\ttab', 'line_break_tab'],
    ['müller-ÉTÉ-日本', 'müller-ÉTÉ-日本'],
    ['95%', '95_'],
    // Outside the Basic Multilingual Plane Java's Character.isLetter(char) sees surrogates, not letters.
    ['𝒜x', '_x'],
    ['🚀', '_'],
    ['', ''],
  ])('%j becomes %j', (input, output) => {
    expect(sanitizeOpenTsdb(input)).toBe(output);
  });
});

describe('encodeOpenTsdb', () => {
  it.each<{ name: string; point: MetricPoint; metric: string; tags: Record<string, string> }>([
    {
      name: 'a plain point',
      point: point(),
      metric: 'healops.check.status',
      tags: { package: 'web', check: 'http', target: 'local', environment: 'prod' },
    },
    {
      name: 'the unit as a tag when not empty',
      point: point({ name: 'healops.perf.C:\\ Used', unit: 'MB' }),
      metric: 'healops.perf.C___Used',
      tags: { package: 'web', check: 'http', target: 'local', environment: 'prod', unit: 'MB' },
    },
    {
      name: 'nasty tag keys and values cleaned',
      point: point({ dimensions: { 'host name': 'srv 1, "eu"', zone: 'é=1' } }),
      metric: 'healops.check.status',
      tags: { host_name: 'srv_1___eu_', zone: 'é_1' },
    },
    {
      name: 'empty tag values skipped',
      point: point({ dimensions: { a: '', b: 'x', c: '' } }),
      metric: 'healops.check.status',
      tags: { b: 'x' },
    },
  ])('$name', ({ point: p, metric, tags }) => {
    const batch = encodeOpenTsdb([p]);
    expect(batch.rejected).toEqual([]);
    expect(batch.droppedTags).toEqual([]);
    expect(batch.indexes).toEqual([0]);
    expect(batch.body).toEqual([{ metric, timestamp: MS, value: p.value, tags }]);
    expect(Object.keys(batch.body[0]?.tags ?? {})).toEqual(Object.keys(tags));
  });

  it('keeps package, check, target, environment, then unit, then the others by key, up to 8 tags', () => {
    const dimensions = { z: '1', y: '2', x: '3', w: '4', v: '5', ...BASE };
    const batch = encodeOpenTsdb([point({ unit: 's', dimensions })]);
    expect(OPENTSDB_MAX_TAGS).toBe(8);
    expect(batch.body[0]?.tags).toEqual({ ...BASE, unit: 's', v: '5', w: '4', x: '3' });
    expect(batch.droppedTags).toEqual([{ index: 0, tags: ['y', 'z'] }]);
  });

  it('honours a lower tag limit', () => {
    const batch = encodeOpenTsdb([point({ unit: 's' })], { maxTags: 2 });
    expect(batch.body[0]?.tags).toEqual({ package: 'web', check: 'http' });
    expect(batch.droppedTags).toEqual([{ index: 0, tags: ['target', 'environment', 'unit'] }]);
  });

  it('reports keys that collide after cleaning and keeps the first', () => {
    const batch = encodeOpenTsdb([point({ dimensions: { 'a b': '1', 'a,b': '2' } })]);
    expect(batch.body[0]?.tags).toEqual({ a_b: '1' });
    expect(batch.droppedTags).toEqual([{ index: 0, tags: ['a,b'] }]);
  });

  it('keeps a tag named __proto__ as an own, serialised tag', () => {
    const dimensions = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const batch = encodeOpenTsdb([point({ dimensions })]);
    expect(JSON.stringify(batch.body[0]?.tags)).toBe('{"__proto__":"x"}');
  });

  it.each<{ name: string; point: MetricPoint; reason: RegExp }>([
    { name: 'NaN', point: point({ value: Number.NaN }), reason: /NaN is not representable/ },
    { name: 'Infinity', point: point({ value: Number.POSITIVE_INFINITY }), reason: /Infinity/ },
    { name: 'an unreadable time', point: point({ time: 'soon' }), reason: /invalid time "soon"/ },
    {
      name: 'a time OpenTSDB would read as seconds',
      point: point({ time: '1970-01-02T00:00:00Z' }),
      reason: /too early/,
    },
    { name: 'an empty name', point: point({ name: '' }), reason: /empty metric name/ },
    { name: 'no tags', point: point({ dimensions: {} }), reason: /at least one tag/ },
    { name: 'only empty tag values', point: point({ dimensions: { a: '' } }), reason: /at least one tag/ },
  ])('leaves out and reports a point with $name', ({ point: p, reason }) => {
    const batch = encodeOpenTsdb([point({ value: 1 }), p, point({ value: 3 })]);
    expect(batch.rejected).toEqual([{ index: 1, reason: expect.stringMatching(reason) }]);
    expect(batch.indexes).toEqual([0, 2]);
    expect(batch.body.map((d) => d.value)).toEqual([1, 3]);
    expect(JSON.stringify(batch.body)).not.toMatch(/null/);
  });
});
