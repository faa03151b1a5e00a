import { describe, expect, it } from 'vitest';
import { startHttpStub } from './support/http-stub.js';
import { cli, localPoints, runOnce, sinkBox, sinkHealth, writeConfig } from './support/sink-kit.js';

// Stores on this machine, in docker-compose or in Kubernetes are reached by IP, `localhost` or a single-label host
// name: the metrics config must accept all of them.

const URLS = [
  { sink: 'influx', field: 'url', url: 'http://127.0.0.1:8428/write' },
  { sink: 'influx', field: 'url', url: 'http://localhost:8086/write?db=healops' },
  { sink: 'influx', field: 'url', url: 'http://influxdb:8086/api/v2/write?bucket=healops&org=ops' },
  { sink: 'opentsdb', field: 'url', url: 'http://[::1]:4242' },
  { sink: 'timestream', field: 'endpoint', url: 'http://127.0.0.1:4566' },
] as const;

function entry(sink: string, field: string, url: string): string {
  const required = sink === 'timestream' ? '    database: healops\n    table: results\n' : '';
  return `  - type: ${sink}\n${required}    ${field}: ${url}\n`;
}

describe('metrics store URLs on this machine or a private network', () => {
  it.for(URLS)(
    '$sink $field $url is accepted by healops validate',
    async ({ sink, field, url }, { onTestFinished }) => {
      const box = sinkBox(onTestFinished);
      writeConfig(box, `  - type: sqlite\n${entry(sink, field, url)}`);
      const result = await cli(box, ['validate', '--config', box.config]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stderr).toBe(0);
    },
  );

  it('an influx sink at http://127.0.0.1:<port> receives the run', async ({ onTestFinished }) => {
    const stub = await startHttpStub([{ status: 204 }]);
    onTestFinished(() => stub.close());
    const box = sinkBox(onTestFinished);
    writeConfig(box, `  - type: sqlite\n${entry('influx', 'url', `http://127.0.0.1:${stub.port}/write`)}`);
    const { result } = await runOnce(box);
    expect(result.code, result.stderr).toBe(0);
    expect(stub.requests.length).toBeGreaterThan(0);
    expect(sinkHealth(await localPoints(box), 'pending', 'influx')).toBe(0);
  });
});
