import { describe, expect, it } from 'vitest';
import { sinkListSchema } from '../src/metrics/sink-config.js';

function problems(list: unknown): string[] {
  const result = sinkListSchema.safeParse(list);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('metrics: sink list', () => {
  it.each([
    ['loopback IP', 'http://127.0.0.1:8428/write'],
    ['localhost', 'http://localhost:8086/api/v2/write?bucket=b&org=o'],
    ['a single-label service name', 'http://influxdb:8086/write?db=healops'],
    ['IPv6 loopback', 'http://[::1]:8086/write?db=x'],
  ])('accepts a store URL on %s', (_name, url) => {
    expect(problems([{ type: 'influx', url }])).toEqual([]);
  });

  it.each([
    ['user:password@', 'http://admin:S3cret@db:8086/write?db=x', 'user:password@'],
    ['?p=', 'http://db:8086/write?db=x&u=admin&p=S3cret', 'u, p'],
    ['?token=', 'http://db:4242/?token=S3cret', 'token'],
  ])('refuses credentials written in the URL (%s), without echoing them', (_name, url, named) => {
    const found = problems([{ type: 'influx', url }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`credentials must not be written in the URL (${named})`);
    expect(found[0]).not.toContain('S3cret');
  });

  it('refuses a literal token and an unknown key, naming the field', () => {
    expect(problems([{ type: 'influx', url: 'http://db:8086/write?db=x', token: 'abc123' }])[0]).toMatch(
      /^0\.token: expected a secret reference/,
    );
    expect(problems([{ type: 'opentsdb', url: 'http://db:4242', batchsize: 5 }])[0]).toMatch(/batchsize/);
  });

  it('requires distinct sink names, defaulting to the type', () => {
    expect(
      problems([
        { type: 'influx', url: 'http://a:1/write?db=x' },
        { type: 'influx', url: 'http://b:1/write?db=x' },
      ]),
    ).toEqual(['1: sink name "influx" is already used by metrics[0]; give each sink its own name']);
    expect(
      problems([
        { type: 'influx', url: 'http://a:1/write?db=x' },
        { type: 'influx', name: 'second', url: 'http://b:1/write?db=x' },
      ]),
    ).toEqual([]);
  });

  it('caps Timestream batches at its 100-record limit', () => {
    expect(problems([{ type: 'timestream', database: 'hops', table: 'results', batchSize: 500 }])[0]).toMatch(
      /^0\.batchSize/,
    );
  });
});
