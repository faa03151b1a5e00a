import {
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { TimestreamTransport, type TimestreamTransportOptions } from '@healops/aws';
import { type MetricPoint, TransportError } from '@healops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  redirectingHandler,
  TimestreamEmulator,
  type WriteRecordsBody,
} from '../support/timestream-emulator.js';

// TimestreamTransport through the real @aws-sdk/client-timestream-write against a loopback endpoint that speaks the
// Timestream Write JSON protocol and enforces the limits real Timestream documents (test/support/timestream-emulator).

const DATABASE = 'healops';
const TABLE = 'results';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };
const NOW = Date.now();

let emulator: TimestreamEmulator;
const transports: TimestreamTransport[] = [];

beforeEach(async () => {
  emulator = await TimestreamEmulator.start({ database: DATABASE, table: TABLE });
});

afterEach(async () => {
  for (const t of transports.splice(0)) t.destroy();
  await emulator.close();
});

function transport(options: Partial<TimestreamTransportOptions> = {}): TimestreamTransport {
  const t = new TimestreamTransport({
    database: DATABASE,
    table: TABLE,
    region: 'eu-west-1',
    endpoint: emulator.endpoint,
    ...options,
    clientConfig: { credentials: CREDENTIALS, ...options.clientConfig },
  });
  transports.push(t);
  return t;
}

/** What one check result emits: status, duration and a perfdata label, for one target at one time. */
function result(target: string, at = NOW, status = 0): MetricPoint[] {
  const time = new Date(at).toISOString();
  const dimensions = { package: 'web', check: 'http', target, environment: 'prod' };
  return [
    { time, name: 'healops.check.status', value: status, unit: '', dimensions },
    { time, name: 'healops.check.duration_ms', value: 40 + status, unit: 'ms', dimensions },
    { time, name: 'healops.perf.rta', value: 0.25, unit: 'ms', dimensions },
  ];
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected a TransportError');
}

const writeStatuses = () =>
  emulator.requests.filter((r) => r.operation === 'WriteRecords').map((r) => r.status);

describe('TimestreamTransport over the Timestream Write JSON protocol', () => {
  it('writes a check result as one multi-measure record with the shared dimensions in CommonAttributes', async () => {
    const { rejected } = await transport().send(result('host-1'));
    expect(rejected).toEqual([]);
    expect(emulator.writes).toEqual<WriteRecordsBody[]>([
      {
        DatabaseName: DATABASE,
        TableName: TABLE,
        CommonAttributes: {
          Dimensions: [
            { Name: 'package', Value: 'web' },
            { Name: 'check', Value: 'http' },
            { Name: 'target', Value: 'host-1' },
            { Name: 'environment', Value: 'prod' },
          ],
          MeasureName: 'healops',
          MeasureValueType: 'MULTI',
          Time: String(NOW),
          TimeUnit: 'MILLISECONDS',
          Version: 1,
        },
        Records: [
          {
            MeasureValues: [
              { Name: 'check_status', Value: '0', Type: 'DOUBLE' },
              { Name: 'check_duration_ms', Value: '40', Type: 'DOUBLE' },
              { Name: 'perf_rta', Value: '0.25', Type: 'DOUBLE' },
            ],
          },
        ],
      },
    ]);
    expect(emulator.stored).toEqual([
      {
        dimensions: { package: 'web', check: 'http', target: 'host-1', environment: 'prod' },
        measureName: 'healops',
        time: NOW,
        version: 1,
        measures: { check_status: 0, check_duration_ms: 40, perf_rta: 0.25 },
      },
    ]);
  });

  it('keeps what differs (target, time) per record and the rest in CommonAttributes', async () => {
    await transport().send([...result('host-1'), ...result('host-2', NOW + 1000, 2)]);
    const [body] = emulator.writes;
    expect(body?.CommonAttributes?.Dimensions?.map((d) => d.Name)).toEqual([
      'package',
      'check',
      'environment',
    ]);
    expect(body?.CommonAttributes?.Time).toBeUndefined();
    expect(body?.Records?.map((r) => [r.Dimensions, r.Time])).toEqual([
      [[{ Name: 'target', Value: 'host-1' }], String(NOW)],
      [[{ Name: 'target', Value: 'host-2' }], String(NOW + 1000)],
    ]);
    expect(emulator.stored.map((r) => [r.dimensions.target, r.measures.check_status])).toEqual([
      ['host-1', 0],
      ['host-2', 2],
    ]);
  });

  it('splits more than 100 records over several WriteRecords calls, none above 100', async () => {
    const points = Array.from({ length: 230 }, (_, i) => result(`host-${i}`, NOW, i % 4)).flat();
    const { rejected } = await transport().send(points);
    expect(rejected).toEqual([]);
    expect(emulator.writes.map((w) => w.Records?.length)).toEqual([100, 100, 30]);
    expect(writeStatuses()).toEqual([200, 200, 200]);
    expect(emulator.stored).toHaveLength(230);
    for (const [i, r] of emulator.stored.entries()) {
      expect(r.dimensions.target).toBe(`host-${i}`);
      expect(r.measures).toEqual({ check_status: i % 4, check_duration_ms: 40 + (i % 4), perf_rta: 0.25 });
    }
  });

  it('takes up to 2,500 points per send and writes them in calls of at most batchSize (100) records', async () => {
    expect(transport().maxBatch).toBe(2_500);
    const points = Array.from({ length: 250 }, (_, i) => result(`host-${i}`)).flat();
    const { rejected } = await transport().send(points);
    expect(rejected).toEqual([]);
    expect(emulator.writes.map((w) => w.Records?.length)).toEqual([100, 100, 50]);
    await transport({ batchSize: 25 }).send(points.slice(0, 3 * 30));
    expect(emulator.writes.slice(3).map((w) => w.Records?.length)).toEqual([25, 5]);
  });

  it('reports a rejected record per point with its reason, while the other records land', async () => {
    const reason = 'The record timestamp is outside the time range of the memory store.';
    emulator.rejectNext({ 1: reason });
    const points = [...result('host-0'), ...result('host-1'), ...result('host-2')];
    const { rejected } = await transport().send(points);
    expect(rejected).toEqual(
      [3, 4, 5].map((index) => ({ index, reason: `Timestream rejected record 1: ${reason}` })),
    );
    expect(writeStatuses()).toEqual([419]);
    expect(emulator.stored.map((r) => r.dimensions.target)).toEqual(['host-0', 'host-2']);
  });

  it('delivers after being throttled twice: the SDK retried the call itself', async () => {
    emulator.throttleNext(2);
    const { rejected } = await transport({ maxAttempts: 3 }).send(result('host-1'));
    expect(rejected).toEqual([]);
    expect(writeStatuses()).toEqual([429, 429, 200]);
    const [first, ...retries] = emulator.writes;
    for (const body of retries) expect(body).toEqual(first);
    expect(emulator.stored).toHaveLength(1);
  });

  it.each([
    ['throttled', (e: TimestreamEmulator) => e.throttleNext(5), 429],
    ['failing with 500', (e: TimestreamEmulator) => e.failNext(5), 500],
  ])(
    'gives up after the SDK attempts when %s and says the batch can be retried later',
    async (_, fault, status) => {
      fault(emulator);
      const error = await failure(transport({ maxAttempts: 2 }).send(result('host-1')));
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`Timestream table ${DATABASE}.${TABLE}`);
      expect(writeStatuses()).toEqual([status, status]);
      expect(emulator.stored).toEqual([]);
    },
  );

  it('does not retry a ValidationException and says the batch cannot succeed', async () => {
    emulator.failNext(1, 400, 'ValidationException', 'Invalid time for record.');
    const error = await failure(transport().send(result('host-1')));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Invalid time for record.');
    expect(writeStatuses()).toEqual([400]);
  });

  it('names the database and table when the table does not exist or access is denied, and keeps the points', async () => {
    const missing = await failure(transport({ table: 'nope' }).send(result('host-1')));
    // The SDK does not retry these calls; HealOps keeps the points until a human fixes the table or the role.
    expect(missing.retryable).toBe(true);
    expect(missing.message).toContain(`Timestream table ${DATABASE}.nope`);
    expect(missing.message).toContain('not found');
    expect(missing.message).toContain('The table nope does not exist.');

    emulator.failNext(
      1,
      403,
      'AccessDeniedException',
      'User is not authorized to perform timestream:WriteRecords',
    );
    const denied = await failure(transport().send(result('host-1')));
    expect(denied.retryable).toBe(true);
    expect(denied.message).toContain(`Timestream table ${DATABASE}.${TABLE}`);
    expect(denied.message).toContain('access denied');
    expect(writeStatuses()).toEqual([404, 403]);
  });

  it('accepts the same batch sent again (Version 1) and refuses a different value for a stored record', async () => {
    const t = transport();
    expect((await t.send(result('host-1'))).rejected).toEqual([]);
    expect((await t.send(result('host-1'))).rejected).toEqual([]);
    expect(emulator.stored).toHaveLength(1);

    const changed = result('host-1', NOW, 2);
    const { rejected } = await t.send(changed);
    expect(rejected.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(rejected[0]?.reason).toContain('existing version 1');
    expect(emulator.stored[0]?.measures.check_status).toBe(0);
  });

  it('refuses, with the reason, the rest of a result that arrives in a later send than its first points', async () => {
    // One (time, dimensions) group is one record: split over two sends it becomes two different records with the
    // same key, and Timestream keeps the first. Whoever chunks points must keep a group in one send().
    const t = transport();
    const [status, duration, rta] = result('host-1');
    expect((await t.send([status as MetricPoint, duration as MetricPoint])).rejected).toEqual([]);
    const { rejected } = await t.send([rta as MetricPoint]);
    expect(rejected).toEqual([{ index: 0, reason: expect.stringContaining('A record already exists') }]);
    expect(emulator.stored[0]?.measures).toEqual({ check_status: 0, check_duration_ms: 40 });
  });

  it('refuses points Timestream could not store before sending, and sends the rest', async () => {
    const good = result('host-1');
    const bad: MetricPoint[] = [
      { ...(good[0] as MetricPoint), name: 'healops.perf.broken', value: Number.NaN },
      { ...(good[0] as MetricPoint), dimensions: { 'os:family': 'linux', package: 'web' } },
      { ...(good[0] as MetricPoint), dimensions: { package: '' } },
    ];
    const { rejected } = await transport().send([...good, ...bad]);
    expect(rejected.map((r) => r.index)).toEqual([3, 4, 5]);
    expect(emulator.writes).toHaveLength(1);
    expect(emulator.stored).toHaveLength(1);
  });

  it('keeps a result too large for one record within the 2 KiB limit as healops, healops_2 records', async () => {
    const base = result('host-1');
    const labels = Array.from({ length: 120 }, (_, i) => ({
      ...(base[2] as MetricPoint),
      name: `healops.perf.mount_point_number_${i}_used_bytes`,
      value: i,
    }));
    const { rejected } = await transport().send([...base, ...labels]);
    expect(rejected).toEqual([]);
    expect(writeStatuses()).toEqual([200]);
    const names = emulator.stored.map((r) => r.measureName);
    expect(names[0]).toBe('healops');
    expect(names.length).toBeGreaterThan(1);
    expect(emulator.stored.reduce((n, r) => n + Object.keys(r.measures).length, 0)).toBe(123);
  });

  it('turns a call that gets no answer in time into a retryable failure', async () => {
    emulator.stallNext(1, 2000);
    const error = await failure(transport({ timeoutMs: 200, maxAttempts: 1 }).send(result('host-1')));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/time/i);
  });

  it('turns an unreachable endpoint into a retryable failure', async () => {
    const down = emulator.endpoint;
    await emulator.close();
    const error = await failure(transport({ endpoint: down, maxAttempts: 1 }).send(result('host-1')));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    emulator = await TimestreamEmulator.start({ database: DATABASE, table: TABLE });
  });

  it('goes straight to an endpoint override without DescribeEndpoints', async () => {
    await transport().send(result('host-1'));
    expect(emulator.requests.map((r) => r.operation)).toEqual(['WriteRecords']);
  });

  it('without an override, discovers the endpoint with DescribeEndpoints and writes to the address returned', async () => {
    await emulator.close();
    emulator = await TimestreamEmulator.start({
      database: DATABASE,
      table: TABLE,
      discoveredAddress: 'ingest-cell2.timestream.eu-west-1.amazonaws.com',
    });
    const redirect = redirectingHandler(emulator.endpoint);
    const t = new TimestreamTransport({
      database: DATABASE,
      table: TABLE,
      region: 'eu-west-1',
      clientConfig: {
        credentials: CREDENTIALS,
        requestHandler: redirect.handler as TimestreamWriteClientConfig['requestHandler'],
      },
    });
    transports.push(t);
    await t.send(result('host-1'));
    await t.send(result('host-2'));
    expect(emulator.requests.map((r) => [r.operation, r.host])).toEqual([
      ['DescribeEndpoints', 'ingest.timestream.eu-west-1.amazonaws.com'],
      ['WriteRecords', 'ingest-cell2.timestream.eu-west-1.amazonaws.com'],
      ['WriteRecords', 'ingest-cell2.timestream.eu-west-1.amazonaws.com'],
    ]);
    expect(emulator.stored).toHaveLength(2);
  });
});

describe('the emulator enforces what moto does not', () => {
  function client(): TimestreamWriteClient {
    return new TimestreamWriteClient({
      region: 'eu-west-1',
      endpoint: emulator.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  }
  const record = (i: number) => ({
    Dimensions: [{ Name: 'target', Value: `host-${i}` }],
    MeasureName: 'healops',
    MeasureValueType: 'MULTI' as const,
    MeasureValues: [{ Name: 'check_status', Value: '0', Type: 'DOUBLE' as const }],
    Time: String(NOW),
  });

  it('refuses 101 records in one call with a ValidationException', async () => {
    const c = client();
    const send = c.send(
      new WriteRecordsCommand({
        DatabaseName: DATABASE,
        TableName: TABLE,
        Records: Array.from({ length: 101 }, (_, i) => record(i)),
      }),
    );
    await expect(send).rejects.toMatchObject({ name: 'ValidationException' });
    c.destroy();
  });

  it('rejects a record over 2 KiB and one whose dimension name is over 60 bytes, storing the others', async () => {
    const c = client();
    const big = { ...record(1), Dimensions: [{ Name: 'target', Value: 'x'.repeat(2100) }] };
    const longName = { ...record(2), Dimensions: [{ Name: 'd'.repeat(61), Value: 'x' }] };
    const send = c.send(
      new WriteRecordsCommand({
        DatabaseName: DATABASE,
        TableName: TABLE,
        Records: [record(0), big, longName],
      }),
    );
    await expect(send).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [
        { RecordIndex: 1, Reason: expect.stringContaining('2 KB') },
        { RecordIndex: 2, Reason: expect.stringContaining('dimension name') },
      ],
    });
    expect(emulator.stored.map((r) => r.dimensions.target)).toEqual(['host-0']);
    c.destroy();
  });

  it('refuses a record without dimensions', async () => {
    const c = client();
    const { Dimensions: _, ...bare } = record(0);
    const send = c.send(
      new WriteRecordsCommand({ DatabaseName: DATABASE, TableName: TABLE, Records: [bare] }),
    );
    await expect(send).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'At least one dimension is required for a record.',
    });
    c.destroy();
  });
});
