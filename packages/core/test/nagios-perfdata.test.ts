import { describe, expect, it } from 'vitest';
import { parsePerfdata } from '../src/nagios/perfdata.js';
import type { PerfDatum, ThresholdRange } from '../src/nagios/types.js';

const INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

function rng(text: string, start: number, end: number, inside = false): ThresholdRange {
  return { start, end, inside, text };
}

describe('parsePerfdata', () => {
  it.each<{ name: string; text: string; items: PerfDatum[] }>([
    { name: 'empty text', text: '', items: [] },
    { name: 'only whitespace', text: ' \t\n ', items: [] },
    { name: 'a bare value', text: 'users=2', items: [{ label: 'users', value: 2, uom: '' }] },
    {
      name: 'every field',
      text: 'rta=0.046ms;3000.000000;5000.000000;0.000000;10',
      items: [
        {
          label: 'rta',
          value: 0.046,
          uom: 'ms',
          warn: rng('3000.000000', 0, 3000),
          crit: rng('5000.000000', 0, 5000),
          min: 0,
          max: 10,
        },
      ],
    },
    {
      name: 'trailing empty fields and semicolons',
      text: 'load1=0.5;;;0;',
      items: [{ label: 'load1', value: 0.5, uom: '', min: 0 }],
    },
    {
      name: 'surplus trailing semicolons',
      text: 'a=1;;;;;;',
      items: [{ label: 'a', value: 1, uom: '' }],
    },
    {
      name: 'only max given',
      text: 'a=1;;;;9',
      items: [{ label: 'a', value: 1, uom: '', max: 9 }],
    },
    {
      name: 'range thresholds of every form',
      text: "a=5;10:;~:20 b=5;@10:20;-5:-1 'c'=0;:3;@~:0",
      items: [
        { label: 'a', value: 5, uom: '', warn: rng('10:', 10, INF), crit: rng('~:20', NEG_INF, 20) },
        { label: 'b', value: 5, uom: '', warn: rng('@10:20', 10, 20, true), crit: rng('-5:-1', -5, -1) },
        { label: 'c', value: 0, uom: '', warn: rng(':3', 0, 3), crit: rng('@~:0', NEG_INF, 0, true) },
      ],
    },
    {
      name: 'every unit of measure',
      text: 'n=1 s=1s ms=1ms us=1us pct=1% b=1B kb=1KB mb=1MB gb=1GB tb=1TB c=1c',
      items: [
        { label: 'n', value: 1, uom: '' },
        { label: 's', value: 1, uom: 's' },
        { label: 'ms', value: 1, uom: 'ms' },
        { label: 'us', value: 1, uom: 'us' },
        { label: 'pct', value: 1, uom: '%' },
        { label: 'b', value: 1, uom: 'B' },
        { label: 'kb', value: 1, uom: 'KB' },
        { label: 'mb', value: 1, uom: 'MB' },
        { label: 'gb', value: 1, uom: 'GB' },
        { label: 'tb', value: 1, uom: 'TB' },
        { label: 'c', value: 1, uom: 'c' },
      ],
    },
    {
      name: 'U as an undetermined value',
      text: 'temp=U;30;40 other=U',
      items: [
        { label: 'temp', value: null, uom: '', warn: rng('30', 0, 30), crit: rng('40', 0, 40) },
        { label: 'other', value: null, uom: '' },
      ],
    },
    {
      name: 'negative, signed, fractional and scientific values',
      text: 'a=-3.5 b=+2 c=.25 d=7. e=1.5e3s f=-2E-2',
      items: [
        { label: 'a', value: -3.5, uom: '' },
        { label: 'b', value: 2, uom: '' },
        { label: 'c', value: 0.25, uom: '' },
        { label: 'd', value: 7, uom: '' },
        { label: 'e', value: 1500, uom: 's' },
        { label: 'f', value: -0.02, uom: '' },
      ],
    },
    {
      name: 'decimal commas in value, thresholds, min and max',
      text: 'load1=0,210;15,000;30,000;0,5;1,5 pl=0,5%;@1,5:2,5',
      items: [
        {
          label: 'load1',
          value: 0.21,
          uom: '',
          warn: rng('15,000', 0, 15),
          crit: rng('30,000', 0, 30),
          min: 0.5,
          max: 1.5,
        },
        { label: 'pl', value: 0.5, uom: '%', warn: rng('@1,5:2,5', 1.5, 2.5, true) },
      ],
    },
    {
      name: 'quoted labels with spaces, = and escaped quotes',
      text: "'C:\\ Used Space'=12.5GB;40;45;0;50 'with ''quote'''=5c 'a=b'=1 '''lead'=2",
      items: [
        {
          label: 'C:\\ Used Space',
          value: 12.5,
          uom: 'GB',
          warn: rng('40', 0, 40),
          crit: rng('45', 0, 45),
          min: 0,
          max: 50,
        },
        { label: "with 'quote'", value: 5, uom: 'c' },
        { label: 'a=b', value: 1, uom: '' },
        { label: "'lead", value: 2, uom: '' },
      ],
    },
    {
      name: 'unquoted labels with punctuation',
      text: '/var/lib=10MB C:\\=1 eth0.rx-bytes=12c',
      items: [
        { label: '/var/lib', value: 10, uom: 'MB' },
        { label: 'C:\\', value: 1, uom: '' },
        { label: 'eth0.rx-bytes', value: 12, uom: 'c' },
      ],
    },
    {
      name: 'tabs and newlines between items',
      text: 'a=1\tb=2\n\nc=3\r\n',
      items: [
        { label: 'a', value: 1, uom: '' },
        { label: 'b', value: 2, uom: '' },
        { label: 'c', value: 3, uom: '' },
      ],
    },
    {
      name: 'check_disk (Debian monitoring-plugins)',
      text: ' /=2643MB;5948;5958;0;5968',
      items: [
        {
          label: '/',
          value: 2643,
          uom: 'MB',
          warn: rng('5948', 0, 5948),
          crit: rng('5958', 0, 5958),
          min: 0,
          max: 5968,
        },
      ],
    },
    {
      name: 'check_load (Debian monitoring-plugins)',
      text: 'load1=0.210;15.000;30.000;0; load5=0.260;10.000;25.000;0; load15=0.320;5.000;20.000;0;',
      items: [
        {
          label: 'load1',
          value: 0.21,
          uom: '',
          warn: rng('15.000', 0, 15),
          crit: rng('30.000', 0, 30),
          min: 0,
        },
        {
          label: 'load5',
          value: 0.26,
          uom: '',
          warn: rng('10.000', 0, 10),
          crit: rng('25.000', 0, 25),
          min: 0,
        },
        {
          label: 'load15',
          value: 0.32,
          uom: '',
          warn: rng('5.000', 0, 5),
          crit: rng('20.000', 0, 20),
          min: 0,
        },
      ],
    },
    {
      name: 'check_procs (Debian monitoring-plugins)',
      text: ' procs=120;;;0;',
      items: [{ label: 'procs', value: 120, uom: '', min: 0 }],
    },
    {
      name: 'check_tcp (Debian monitoring-plugins)',
      text: 'time=0.000123s;;;0.000000;10.000000',
      items: [{ label: 'time', value: 0.000123, uom: 's', min: 0, max: 10 }],
    },
    {
      name: 'check_swap (Debian monitoring-plugins)',
      text: 'swap=2147479552B;0;0;0;2147479552',
      items: [
        {
          label: 'swap',
          value: 2147479552,
          uom: 'B',
          warn: rng('0', 0, 0),
          crit: rng('0', 0, 0),
          min: 0,
          max: 2147479552,
        },
      ],
    },
    {
      name: 'check_ping (Debian monitoring-plugins)',
      text: 'rta=0.046000ms;3000.000000;5000.000000;0.000000 pl=0%;80;100;0',
      items: [
        {
          label: 'rta',
          value: 0.046,
          uom: 'ms',
          warn: rng('3000.000000', 0, 3000),
          crit: rng('5000.000000', 0, 5000),
          min: 0,
        },
        { label: 'pl', value: 0, uom: '%', warn: rng('80', 0, 80), crit: rng('100', 0, 100), min: 0 },
      ],
    },
    {
      name: 'check_http (Debian monitoring-plugins)',
      text: 'time=0.002312s;;;0.000000;10.000000 size=10918B;;;0',
      items: [
        { label: 'time', value: 0.002312, uom: 's', min: 0, max: 10 },
        { label: 'size', value: 10918, uom: 'B', min: 0 },
      ],
    },
  ])('parses $name', ({ text, items }) => {
    expect(parsePerfdata(text)).toEqual({ items, errors: [] });
  });

  it('omits absent optional fields instead of setting them to undefined', () => {
    const [item] = parsePerfdata('procs=120;;;0;').items;
    expect(Object.keys(item ?? {}).sort()).toEqual(['label', 'min', 'uom', 'value']);
  });

  it.each<{ name: string; text: string; labels: string[]; errors: RegExp[] }>([
    {
      name: 'an unknown unit, keeping the items around it',
      text: 'a=1 b=2kB c=3',
      labels: ['a', 'c'],
      errors: [/^perfdata item `b=2kB`: unknown unit of measure 'kB'/],
    },
    {
      name: 'lower-case and made-up units',
      text: 'a=1mb b=1sec c=1Kb d=1KiB',
      labels: [],
      errors: [/`a=1mb`.*'mb'/, /`b=1sec`.*'sec'/, /`c=1Kb`.*'Kb'/, /`d=1KiB`.*'KiB'/],
    },
    {
      name: 'an item without =',
      text: 'garbage a=1',
      labels: ['a'],
      errors: [/^perfdata item `garbage`: expected 'label=value'/],
    },
    {
      name: 'an unquoted label with a space',
      text: 'Used Space=1 b=2',
      labels: ['Space', 'b'],
      errors: [/`Used`: expected 'label=value'/],
    },
    {
      name: 'a missing value',
      text: 'a= b=;1;2 c=1',
      labels: ['c'],
      errors: [/`a=`: the value is missing/, /`b=;1;2`: the value is missing/],
    },
    {
      name: 'a non-numeric value',
      text: 'a=abc b=1.2.3 c=-- d=0x1F e=1e999 f=2',
      labels: ['f'],
      errors: [
        /`a=abc`: value 'abc' is not a number/,
        /`b=1.2.3`: value '1.2.3' is not a number/,
        /`c=--`: value '--' is not a number/,
        /`d=0x1F`: value '0x1F' is not a number/,
        /`e=1e999`: value '1e999' is not a number/,
      ],
    },
    {
      name: 'an empty label',
      text: "=1 ''=2 ok=3",
      labels: ['ok'],
      errors: [/`=1`: the label is empty/, /`''=2`: the label is empty/],
    },
    {
      name: 'an invalid warn range',
      text: 'a=1;20:10 b=1',
      labels: ['b'],
      errors: [/`a=1;20:10`: warn: invalid threshold range '20:10': start 20 is greater than end 10/],
    },
    {
      name: 'an invalid crit range',
      text: 'a=1;;x b=1',
      labels: ['b'],
      errors: [/`a=1;;x`: crit: invalid threshold range 'x'/],
    },
    {
      name: 'min and max that are not plain numbers',
      text: 'a=1;;;0:5 b=1;;;;10MB c=1',
      labels: ['c'],
      errors: [/`a=1;;;0:5`: min '0:5' is not a number/, /`b=1;;;;10MB`: max '10MB' is not a number/],
    },
    {
      name: 'too many fields',
      text: 'a=1;2;3;4;5;6 b=1',
      labels: ['b'],
      errors: [/`a=1;2;3;4;5;6`: too many fields \('6'/],
    },
    {
      name: 'text right after a closing quote',
      text: "'abc'x=1 'def' =2 ok=3",
      labels: ['ok'],
      errors: [/`'abc'x=1`: expected '='/, /`'def'`: expected '='/, /`=2`: the label is empty/],
    },
    {
      name: 'an unclosed quote, which swallows the rest of the text',
      text: "a=1 'open label=2 b=3  ",
      labels: ['a'],
      errors: [/^perfdata item `'open label=2 b=3`: the quoted label is not closed$/],
    },
    {
      name: 'a stray pipe',
      text: 'a=1 | b=2',
      labels: ['a', 'b'],
      errors: [/`\|`: expected 'label=value'/],
    },
  ])('reports $name without throwing', ({ text, labels, errors }) => {
    const result = parsePerfdata(text);
    expect(result.items.map((item) => item.label)).toEqual(labels);
    expect(result.errors).toHaveLength(errors.length);
    errors.forEach((pattern, index) => {
      expect(result.errors[index]).toMatch(pattern);
    });
  });
});
