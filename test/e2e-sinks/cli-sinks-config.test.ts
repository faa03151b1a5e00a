import { describe, expect, it } from 'vitest';
import { cli, loopbackUrl, type SinkBox, sinkBox, writeConfig } from './support/sink-kit.js';

// A malformed `metrics:` section stops `healops run` (exit 2, no report) with a message
// naming the entry and field (metrics[i].field); the schema problems also come from `healops validate`, positioned
// as file:line:col. Line 4 of every config below is `  - type: sqlite` (metrics[0]), line 5 starts metrics[1].

const STORE = loopbackUrl(8428, '/write');
const SECRET = 's3cr3t-literal-token-e2e';

const SCHEMA_PROBLEMS = [
  {
    name: 'an unknown key',
    metrics: `  - type: influx\n    url: ${STORE}\n    tokn: env:INFLUX_TOKEN\n`,
    at: ':7:5: metrics[1].tokn: ',
    says: ['unknown field "tokn"', 'did you mean "token"'],
  },
  {
    name: 'a URL that is not one',
    metrics: '  - type: opentsdb\n    url: tsdb.example:4242\n',
    at: ':6:10: metrics[1].url: ',
    says: ['invalid URL "tsdb.example:4242"', 'http://'],
  },
  {
    name: 'a literal token instead of env:NAME',
    metrics: `  - type: influx\n    url: ${STORE}\n    token: ${SECRET}\n`,
    at: ':7:12: metrics[1].token: ',
    says: ['expected a secret reference env:NAME', 'got a literal value'],
  },
  {
    name: 'timestream batchSize 500',
    metrics: '  - type: timestream\n    database: healops\n    table: results\n    batchSize: 500\n',
    at: ':8:16: metrics[1].batchSize: ',
    says: ['at most 100', '500'],
  },
];

function configWith(box: SinkBox, metrics: string): void {
  writeConfig(box, `  - type: sqlite\n${metrics}`);
}

describe('a malformed metrics config', () => {
  it.for(SCHEMA_PROBLEMS)(
    '$name: run and validate exit 2 with a positioned message naming the field',
    async ({ metrics, at, says }, { onTestFinished }) => {
      const box = sinkBox(onTestFinished);
      configWith(box, metrics);
      for (const args of [
        ['run', '--once', '--json', '--config', box.config, '--home', box.home],
        ['validate', '--config', box.config],
      ]) {
        const result = await cli(box, args);
        const command = args[0];
        expect(result.code, `${command}: ${result.stderr}`).toBe(2);
        expect(result.stdout, command).toBe('');
        const line = result.stderr.split('\n').find((l) => l.includes(`${box.config}${at}`));
        expect(line, `${command}: ${result.stderr}`).toBeDefined();
        for (const text of says) expect(line, command).toContain(text);
        // A secret written in the config never reaches the terminal.
        expect(result.stderr, command).not.toContain(SECRET);
      }
    },
  );

  it.for([
    {
      name: 'two sinks of one type without names',
      metrics: `  - type: influx\n    url: ${STORE}\n  - type: influx\n    url: ${STORE}\n`,
      says: ['metrics[2]', 'sink name "influx" is already used by metrics[1]', 'its own name'],
    },
    {
      name: 'two sinks with the same name',
      metrics: `  - type: influx\n    name: tsdb\n    url: ${STORE}\n  - type: opentsdb\n    name: tsdb\n    url: ${STORE}\n`,
      says: ['metrics[2]', 'sink name "tsdb" is already used by metrics[1]'],
    },
    {
      name: 'a token variable that is not set',
      metrics: `  - type: influx\n    url: ${STORE}\n    token: env:HEALOPS_E2E_UNSET_TOKEN\n`,
      says: ['metrics[1].token', 'HEALOPS_E2E_UNSET_TOKEN', 'not set'],
    },
  ])(
    '$name: run exits 2 without a report, naming the entry',
    async ({ metrics, says }, { onTestFinished }) => {
      const box = sinkBox(onTestFinished);
      configWith(box, metrics);
      const result = await cli(box, ['run', '--once', '--json', '--config', box.config, '--home', box.home]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      // Schema problems come positioned (healops: <file>:<line>:<col>: metrics[i]...), the rest as healops: metrics[i]...
      const line = result.stderr.split('\n').find((l) => /^healops: (\S+:\d+:\d+: )?metrics\[/.test(l));
      expect(line, result.stderr).toBeDefined();
      for (const text of says) expect(line).toContain(text);
    },
  );

  // Sink names are a static property of the file, so validate reports them, positioned, as run does.
  it('validate reports duplicate sink names, which run refuses', async ({ onTestFinished }) => {
    const box = sinkBox(onTestFinished);
    configWith(box, `  - type: influx\n    url: ${STORE}\n  - type: influx\n    url: ${STORE}\n`);
    const result = await cli(box, ['validate', '--config', box.config]);
    expect(result.code, result.stdout).not.toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toContain('metrics[2]');
  });
});
