import { describe, expect, it } from 'vitest';
import {
  encodeLineProtocol,
  escapeMeasurement,
  escapeTagPart,
  quoteFieldString,
} from '../src/metrics/influx-line.js';
import type { MetricPoint } from '../src/model/results.js';

const TIME = '2025-03-04T05:06:07.089Z';
const MS = Date.parse(TIME);
const BASE = { package: 'web', check: 'http', target: 'local', environment: 'prod' };

function point(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return { time: TIME, name: 'healops.check.status', value: 0, unit: '', dimensions: BASE, ...overrides };
}

describe('encodeLineProtocol', () => {
  it.each<{ name: string; point: MetricPoint; line: string }>([
    {
      name: 'a plain point: tags sorted by key, float field, ms timestamp',
      point: point(),
      line: `healops.check.status,check=http,environment=prod,package=web,target=local value=0 ${MS}`,
    },
    {
      name: 'the unit as a tag when not empty',
      point: point({ name: 'healops.check.duration_ms', value: 12.5, unit: 'ms' }),
      line: `healops.check.duration_ms,check=http,environment=prod,package=web,target=local,unit=ms value=12.5 ${MS}`,
    },
    {
      name: "the point's unit wins over a dimension named unit",
      point: point({ unit: 'B', dimensions: { unit: 'KB', a: 'x' } }),
      line: `healops.check.status,a=x,unit=B value=0 ${MS}`,
    },
    {
      name: 'spaces and commas in the measurement are escaped, equals signs are not',
      point: point({ name: 'healops.perf.C: Used,x=1', dimensions: { a: 'b' } }),
      line: `healops.perf.C:\\ Used\\,x=1,a=b value=0 ${MS}`,
    },
    {
      name: 'commas, equals signs and spaces in tag keys and values are escaped',
      point: point({ dimensions: { 'k e,y=': 'v a,l=ue' } }),
      line: `healops.check.status,k\\ e\\,y\\==v\\ a\\,l\\=ue value=0 ${MS}`,
    },
    {
      name: 'quotes, apostrophes, tabs and unicode pass unchanged',
      point: point({ dimensions: { target: 'srv-"ü"\'\t🚀' } }),
      line: `healops.check.status,target=srv-"ü"'\t🚀 value=0 ${MS}`,
    },
    {
      name: 'newlines (LF, CR, CRLF) become escaped spaces',
      point: point({ name: 'm\nx', dimensions: { 'a\r\nb': 'c\rd\ne' } }),
      line: `m\\ x,a\\ b=c\\ d\\ e value=0 ${MS}`,
    },
    {
      name: 'backslashes inside are written as they are',
      point: point({ dimensions: { target: 'C:\\Program Files\\x' } }),
      line: `healops.check.status,target=C:\\Program\\ Files\\x value=0 ${MS}`,
    },
    {
      name: 'trailing backslashes are dropped (they would escape the separator)',
      point: point({ name: 'm\\', dimensions: { 'k\\\\': 'C:\\' } }),
      line: `m,k=C: value=0 ${MS}`,
    },
    {
      name: 'empty tag values and keys are skipped',
      point: point({ dimensions: { a: '', '': 'x', b: 'y', c: '\\' } }),
      line: `healops.check.status,b=y value=0 ${MS}`,
    },
    {
      name: 'no tags at all',
      point: point({ dimensions: {} }),
      line: `healops.check.status value=0 ${MS}`,
    },
    {
      name: 'tags sorted by code point (UTF-8 byte order), upper case before lower case',
      point: point({ dimensions: { b: '1', B: '2', é: '3', a: '4', 𝒜: '5', '\uffff': '6' } }),
      line: `healops.check.status,B=2,a=4,b=1,é=3,\uffff=6,𝒜=5 value=0 ${MS}`,
    },
    {
      name: 'keys equal after folding newlines: the first in key order wins',
      point: point({ dimensions: { 'a b': '1', 'a\nb': '2' } }),
      line: `healops.check.status,a\\ b=2 value=0 ${MS}`,
    },
    {
      name: 'a tag named __proto__ is an ordinary tag',
      point: point({ dimensions: JSON.parse('{"__proto__":"x"}') as Record<string, string> }),
      line: `healops.check.status,__proto__=x value=0 ${MS}`,
    },
    {
      name: 'a small negative float',
      point: point({ value: -1.25e-7, dimensions: {} }),
      line: `healops.check.status value=-1.25e-7 ${MS}`,
    },
    {
      name: 'huge float in exponent form',
      point: point({ value: 1e21, dimensions: {} }),
      line: `healops.check.status value=1e+21 ${MS}`,
    },
    {
      name: 'an integral value is still a float field (no i suffix)',
      point: point({ value: 3, dimensions: {} }),
      line: `healops.check.status value=3 ${MS}`,
    },
    {
      name: 'a time with an offset is converted to epoch ms',
      point: point({ time: '2025-03-04T07:06:07.089+02:00', dimensions: {} }),
      line: `healops.check.status value=0 ${MS}`,
    },
  ])('$name', ({ point: p, line }) => {
    const batch = encodeLineProtocol([p], { precision: 'ms' });
    expect(batch.rejected).toEqual([]);
    expect(batch.lines).toEqual([{ index: 0, text: line }]);
    expect(batch.body).toBe(line);
  });

  it.each<{ name: string; point: MetricPoint; reason: RegExp }>([
    { name: 'NaN', point: point({ value: Number.NaN }), reason: /NaN is not representable/ },
    { name: 'Infinity', point: point({ value: Number.POSITIVE_INFINITY }), reason: /Infinity/ },
    { name: '-Infinity', point: point({ value: Number.NEGATIVE_INFINITY }), reason: /-Infinity/ },
    { name: 'an unreadable time', point: point({ time: 'yesterday' }), reason: /invalid time "yesterday"/ },
    { name: 'an empty name', point: point({ name: '' }), reason: /empty metric name/ },
    { name: 'a name of backslashes only', point: point({ name: '\\\\' }), reason: /empty metric name/ },
    { name: 'a name starting with #', point: point({ name: '#x' }), reason: /comment/ },
    { name: 'a tag named time', point: point({ dimensions: { time: 'x' } }), reason: /tag named "time"/ },
  ])('leaves out and reports a point with $name', ({ point: p, reason }) => {
    const batch = encodeLineProtocol([point({ value: 1 }), p, point({ value: 2 })]);
    expect(batch.rejected).toEqual([{ index: 1, reason: expect.stringMatching(reason) }]);
    expect(batch.lines.map((l) => l.index)).toEqual([0, 2]);
    expect(batch.body.split('\n')).toHaveLength(2);
    expect(batch.body).not.toMatch(/NaN|Infinity/);
  });

  it('joins lines with a newline, one per point, keeping input indexes', () => {
    const batch = encodeLineProtocol([point({ value: 1 }), point({ value: 2 }), point({ value: 3 })]);
    expect(batch.body.split('\n').map((l) => l.split(' ')[1])).toEqual(['value=1', 'value=2', 'value=3']);
    expect(batch.lines.map((l) => l.index)).toEqual([0, 1, 2]);
    expect(batch.body.endsWith('\n')).toBe(false);
  });

  it('gives an empty body when nothing can be encoded', () => {
    const batch = encodeLineProtocol([point({ value: Number.NaN })]);
    expect(batch.body).toBe('');
    expect(batch.lines).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
  });
});

describe('escaping helpers', () => {
  it.each([
    ['a b,c=d', 'a\\ b\\,c=d'],
    ['plain', 'plain'],
    ['x\\', 'x'],
  ])('escapeMeasurement(%j) is %j', (input, output) => {
    expect(escapeMeasurement(input)).toBe(output);
  });

  it.each([
    ['a b,c=d', 'a\\ b\\,c\\=d'],
    ['line\nbreak', 'line\\ break'],
    ['ü', 'ü'],
  ])('escapeTagPart(%j) is %j', (input, output) => {
    expect(escapeTagPart(input)).toBe(output);
  });

  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir\\', '"C:\\\\dir\\\\"'],
    ['two\nlines\r\n', '"two lines "'],
    ['a,b=c d', '"a,b=c d"'],
  ])('quoteFieldString(%j) is %j', (input, output) => {
    expect(quoteFieldString(input)).toBe(output);
  });
});
