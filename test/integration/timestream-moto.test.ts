import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DescribeTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { TimestreamTransport } from '@healops/aws';
import { type MetricPoint, TransportError } from '@healops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MotoServer } from '../support/moto.js';
import type { WireRecord } from '../support/timestream-emulator.js';

// TimestreamTransport through the real AWS SDK against moto's timestream-write (PyPI moto[server] in .venv, see
// .ci/install-test-peers). moto accepts calls and keeps the records as sent (it enforces none of Timestream's
// limits: test/integration/timestream-emulator.test.ts covers those); the stored records are read back through
// moto's backend view /moto-api/data.json. Without moto every test here fails with how to install it.

const DATABASE = 'healops';
const TABLE = 'results';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };
const NOW = Date.now();

let moto: MotoServer | undefined;
let setupError: unknown;
const transports: TimestreamTransport[] = [];

beforeAll(async () => {
  try {
    moto = await MotoServer.start();
    const client = new TimestreamWriteClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: CREDENTIALS,
    });
    await client.send(new CreateDatabaseCommand({ DatabaseName: DATABASE }));
    await client.send(
      new CreateTableCommand({
        DatabaseName: DATABASE,
        TableName: TABLE,
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: 24, MagneticStoreRetentionPeriodInDays: 7 },
      }),
    );
    const { Table } = await client.send(
      new DescribeTableCommand({ DatabaseName: DATABASE, TableName: TABLE }),
    );
    if (Table?.TableStatus !== 'ACTIVE') throw new Error(`moto table is ${Table?.TableStatus}`);
    client.destroy();
  } catch (error) {
    setupError = error;
  }
});

afterAll(async () => {
  for (const t of transports) t.destroy();
  await moto?.stop();
});

function server(): MotoServer {
  if (setupError !== undefined) throw setupError;
  if (moto === undefined) throw new Error('moto did not start');
  return moto;
}

function transport(table = TABLE): TimestreamTransport {
  const t = TimestreamTransport.fromConfig(
    {
      type: 'timestream',
      database: DATABASE,
      table,
      region: REGION,
      endpoint: server().endpoint,
      timeout: '5s',
    },
    { clientConfig: { credentials: CREDENTIALS } },
  );
  transports.push(t);
  return t;
}

function result(target: string, status: number): MetricPoint[] {
  const time = new Date(NOW).toISOString();
  const dimensions = { package: 'db', check: 'postgres', target, environment: 'staging' };
  return [
    { time, name: 'healops.check.status', value: status, unit: '', dimensions },
    { time, name: 'healops.check.duration_ms', value: 100 + status, unit: 'ms', dimensions },
    { time, name: 'healops.perf.connections', value: 7, unit: '', dimensions },
  ];
}

interface MotoTable {
  readonly name: string;
  readonly db_name: string;
  readonly records: readonly WireRecord[];
}

async function storedRecords(): Promise<readonly WireRecord[]> {
  const data = await server().data();
  const tables = (data.timestreamwrite?.TimestreamTable ?? []) as MotoTable[];
  const table = tables.find((t) => t.name === TABLE && t.db_name === DATABASE);
  if (table === undefined)
    throw new Error(`moto has no table ${DATABASE}.${TABLE}: ${JSON.stringify(tables)}`);
  return table.records;
}

describe('TimestreamTransport against moto timestream-write', () => {
  it('writes 150 check results as 150 multi-measure records that moto stores', async () => {
    const before = (await storedRecords()).length;
    const points = Array.from({ length: 150 }, (_, i) => result(`db-${i}`, i % 3)).flat();
    const { rejected } = await transport().send(points);
    expect(rejected).toEqual([]);
    const records = (await storedRecords()).slice(before);
    expect(records).toHaveLength(150);
    records.forEach((r, i) => {
      // moto keeps each record as sent: what all records share travelled in CommonAttributes.
      expect(r.Dimensions).toEqual([{ Name: 'target', Value: `db-${i}` }]);
      expect(r.MeasureValues).toEqual([
        { Name: 'check_status', Value: String(i % 3), Type: 'DOUBLE' },
        { Name: 'check_duration_ms', Value: String(100 + (i % 3)), Type: 'DOUBLE' },
        { Name: 'perf_connections', Value: '7', Type: 'DOUBLE' },
      ]);
    });
  });

  it('writes points of different times as records carrying their own time', async () => {
    const before = (await storedRecords()).length;
    const later = result('db-x', 2).map((p) => ({ ...p, time: new Date(NOW + 60_000).toISOString() }));
    await transport().send([...result('db-x', 0), ...later]);
    const records = (await storedRecords()).slice(before);
    expect(records.map((r) => r.Time)).toEqual([String(NOW), String(NOW + 60_000)]);
    expect(records.map((r) => r.MeasureValues?.[0]?.Value)).toEqual(['0', '2']);
  });

  it('says a missing table cannot be written, naming database and table, and keeps the points', async () => {
    const t = transport('missing');
    let error: unknown;
    try {
      await t.send(result('db-1', 0));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).retryable).toBe(true);
    expect((error as TransportError).message).toContain(`Timestream table ${DATABASE}.missing`);
  });
});
