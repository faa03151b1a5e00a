import { describe, expect, it } from 'vitest';
import { parsePluginOutput } from '../src/nagios/plugin-output.js';
import type { PerfDatum, PluginOutput, ThresholdRange } from '../src/nagios/types.js';

function rng(text: string, start: number, end: number, inside = false): ThresholdRange {
  return { start, end, inside, text };
}

function disk(label: string, value: number, warn: number, crit: number, max: number): PerfDatum {
  return {
    label,
    value,
    uom: 'MB',
    warn: rng(String(warn), 0, warn),
    crit: rng(String(crit), 0, crit),
    min: 0,
    max,
  };
}

const GUIDELINES_MULTILINE = [
  'DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968',
  '/ 15272 MB (77%);',
  '/boot 68 MB (69%);',
  '/home 69357 MB (27%);',
  '/var/log 819 MB (84%); | /boot=68MB;88;93;0;98',
  '/home=69357MB;253404;253409;0;253414',
  '/var/log=818MB;970;975;0;980',
].join('\n');

describe('parsePluginOutput', () => {
  it.each<{ name: string; text: string; expected: PluginOutput }>([
    {
      name: 'empty output',
      text: '',
      expected: { summary: '', longOutput: '', perfdata: [], perfdataErrors: [] },
    },
    {
      name: 'whitespace-only output',
      text: ' \r\n\n\t\n',
      expected: { summary: '', longOutput: '', perfdata: [], perfdataErrors: [] },
    },
    {
      name: 'a summary without perfdata',
      text: 'HTTP OK: all fine\n',
      expected: { summary: 'HTTP OK: all fine', longOutput: '', perfdata: [], perfdataErrors: [] },
    },
    {
      name: 'a summary with an empty perfdata part',
      text: 'OK |   \n',
      expected: { summary: 'OK', longOutput: '', perfdata: [], perfdataErrors: [] },
    },
    {
      name: 'check_disk',
      text: 'DISK OK - free space: / 3326 MB (56% inode=99%);| /=2643MB;5948;5958;0;5968\n',
      expected: {
        summary: 'DISK OK - free space: / 3326 MB (56% inode=99%);',
        longOutput: '',
        perfdata: [disk('/', 2643, 5948, 5958, 5968)],
        perfdataErrors: [],
      },
    },
    {
      name: 'check_load',
      text: 'OK - load average: 0.21, 0.26, 0.32|load1=0.210;15.000;30.000;0; load5=0.260;10.000;25.000;0; load15=0.320;5.000;20.000;0; \n',
      expected: {
        summary: 'OK - load average: 0.21, 0.26, 0.32',
        longOutput: '',
        perfdata: [
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
        perfdataErrors: [],
      },
    },
    {
      name: 'check_procs',
      text: 'PROCS OK: 120 processes | procs=120;;;0;\n',
      expected: {
        summary: 'PROCS OK: 120 processes',
        longOutput: '',
        perfdata: [{ label: 'procs', value: 120, uom: '', min: 0 }],
        perfdataErrors: [],
      },
    },
    {
      name: 'check_tcp',
      text: 'TCP OK - 0.000 second response time on 127.0.0.1 port 22|time=0.000123s;;;0.000000;10.000000\n',
      expected: {
        summary: 'TCP OK - 0.000 second response time on 127.0.0.1 port 22',
        longOutput: '',
        perfdata: [{ label: 'time', value: 0.000123, uom: 's', min: 0, max: 10 }],
        perfdataErrors: [],
      },
    },
    {
      name: 'check_swap',
      text: 'SWAP OK - 100% free (2047 MB out of 2047 MB) |swap=2147479552B;0;0;0;2147479552\n',
      expected: {
        summary: 'SWAP OK - 100% free (2047 MB out of 2047 MB)',
        longOutput: '',
        perfdata: [
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
        perfdataErrors: [],
      },
    },
    {
      name: 'quoted labels (NSClient++ style)',
      text: "OK: C:\\ 25% used | 'C:\\ Used Space'=12.5GB;40;45;0;50 'with ''quote'''=5c",
      expected: {
        summary: 'OK: C:\\ 25% used',
        longOutput: '',
        perfdata: [
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
        ],
        perfdataErrors: [],
      },
    },
    {
      name: 'the guidelines multi-line example (TEXT | PERF, LONG, LONG | PERF, PERF)',
      text: GUIDELINES_MULTILINE,
      expected: {
        summary: 'DISK OK - free space: / 3326 MB (56%);',
        longOutput: '/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%);',
        perfdata: [
          disk('/', 2643, 5948, 5958, 5968),
          disk('/boot', 68, 88, 93, 98),
          disk('/home', 69357, 253404, 253409, 253414),
          disk('/var/log', 818, 970, 975, 980),
        ],
        perfdataErrors: [],
      },
    },
    {
      name: 'CRLF line endings and trailing whitespace',
      text: 'WARNING - slow | t=2s;1;3 \r\nline one  \r\nline two\t\r\n| u=1\r\n v=2 \r\n\r\n',
      expected: {
        summary: 'WARNING - slow',
        longOutput: 'line one\nline two',
        perfdata: [
          { label: 't', value: 2, uom: 's', warn: rng('1', 0, 1), crit: rng('3', 0, 3) },
          { label: 'u', value: 1, uom: '' },
          { label: 'v', value: 2, uom: '' },
        ],
        perfdataErrors: [],
      },
    },
    {
      name: 'long output without any perfdata',
      text: 'CRITICAL - 2 of 3 down\nweb1: down\n  web2: down\n\nweb3: up\n',
      expected: {
        summary: 'CRITICAL - 2 of 3 down',
        longOutput: 'web1: down\n  web2: down\n\nweb3: up',
        perfdata: [],
        perfdataErrors: [],
      },
    },
    {
      name: 'perfdata only in the long output',
      text: 'OK - 3 items\nitem details | items=3;;;0\nmore=4c',
      expected: {
        summary: 'OK - 3 items',
        longOutput: 'item details',
        perfdata: [
          { label: 'items', value: 3, uom: '', min: 0 },
          { label: 'more', value: 4, uom: 'c' },
        ],
        perfdataErrors: [],
      },
    },
    {
      name: 'lines after the long-output pipe that read like text (they are perfdata)',
      text: 'OK\ndetail\n|a=1\nnot perfdata at all',
      expected: {
        summary: 'OK',
        longOutput: 'detail',
        perfdata: [{ label: 'a', value: 1, uom: '' }],
        perfdataErrors: [
          "perfdata item `not`: expected 'label=value'",
          "perfdata item `perfdata`: expected 'label=value'",
          "perfdata item `at`: expected 'label=value'",
          "perfdata item `all`: expected 'label=value'",
        ],
      },
    },
    {
      name: 'a stats job printing only perfdata',
      text: '| rx=120c tx=80c',
      expected: {
        summary: '',
        longOutput: '',
        perfdata: [
          { label: 'rx', value: 120, uom: 'c' },
          { label: 'tx', value: 80, uom: 'c' },
        ],
        perfdataErrors: [],
      },
    },
  ])('parses $name', ({ text, expected }) => {
    expect(parsePluginOutput(text)).toEqual(expected);
  });

  it('keeps the good perfdata and reports the bad items from both places', () => {
    const result = parsePluginOutput("OK | a=1 b=2xyz\nlong\n| 'open=3\nc=4");
    expect(result.summary).toBe('OK');
    expect(result.longOutput).toBe('long');
    expect(result.perfdata.map((item) => item.label)).toEqual(['a', 'c']);
    expect(result.perfdataErrors).toEqual([
      "perfdata item `b=2xyz`: unknown unit of measure 'xyz' (allowed: s, ms, us, %, B, KB, MB, GB, TB, c)",
      "perfdata item `'open=3`: the quoted label is not closed",
    ]);
  });
});
