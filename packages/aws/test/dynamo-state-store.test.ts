import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { FULL_STATE, fresh, fullProblem, KEY, queued } from '../../../test/contracts/store-harness.js';
import { DynamoStoreError } from '../src/dynamo/dynamo-store-error.js';
import { DYNAMO_KEYS, DYNAMO_TABLE_SCHEMA } from '../src/dynamo/table-schema.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

// DynamoDB only: the table schema, item shapes and limits, SDK error wrapping. The StateStore port itself (versions,
// conflicts, tickets saved with the state, listings) is the contract in test/contracts/state-store-contract.ts, run
// by dynamo-store-contract.test.ts.

const dynamo = useDynamoMoto();

describe('DYNAMO_TABLE_SCHEMA', () => {
  it('creates a table with the pk/sk keys, both indexes and the expiresAt TTL', async () => {
    const name = await dynamo.table();
    const { Table } = await dynamo.client().send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType])).toEqual([
      ['gsi1', 'ALL'],
      ['gsi2', 'KEYS_ONLY'],
    ]);
    const ttl = await dynamo.client().send(new DescribeTimeToLiveCommand({ TableName: name }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(DYNAMO_KEYS.ttl);
    expect(DYNAMO_TABLE_SCHEMA.timeToLiveAttribute).toBe('expiresAt');
  });
});

describe('DynamoStore state items', () => {
  it('refuses a state over the 400 KB item limit, naming the key and not the content', async () => {
    const store = await dynamo.store();
    const problem = fullProblem();
    const secret = `token-${'s3cr3t'.repeat(80_000)}`;
    const error: unknown = await store
      .save({ ...fresh(), problem: { ...problem, lastOutput: secret } }, 0)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DynamoStoreError);
    const message = (error as Error).message;
    expect(message).toMatch(/linux-base\/disk-root@i-0abc.*400 KB/);
    expect(message).not.toContain('s3cr3t');
    expect(await store.load(KEY)).toBeUndefined();
  });

  it('stores the state as plain attributes with the version, and no TTL', async () => {
    const store = await dynamo.store();
    await store.save(FULL_STATE, 0);
    const out = await DynamoDBDocumentClient.from(dynamo.client()).send(
      new GetCommand({ TableName: store.tableName, Key: { pk: 'STATE#linux-base#disk-root', sk: 'i-0abc' } }),
    );
    const item = out.Item ?? {};
    expect(item).toMatchObject({
      version: 1,
      gsi1pk: 'PROBLEM',
      gsi2pk: 'STATE',
      history: [0, 0, 2, 3, 2, 2],
    });
    expect(item.expiresAt).toBeUndefined();
  });

  it('takes a closed problem out of the problem index (gsi1) and keeps the state in the state index (gsi2)', async () => {
    const store = await dynamo.store();
    const open = await store.save(FULL_STATE, 0);
    await store.save({ ...open, problem: null }, open.version);
    const out = await DynamoDBDocumentClient.from(dynamo.client()).send(
      new GetCommand({ TableName: store.tableName, Key: { pk: 'STATE#linux-base#disk-root', sk: 'i-0abc' } }),
    );
    expect(out.Item?.gsi1pk).toBeUndefined();
    expect(out.Item).toMatchObject({ version: 2, gsi2pk: 'STATE', problem: null });
  });

  it('names the delivery id a save would queue twice', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0, [queued('a')]);
    await expect(
      store.save({ ...fresh(), version: 1 }, 1, [queued('a', 'trigger', 'other')]),
    ).rejects.toThrow(/ticket action a is already queued/);
  });
});

describe('DynamoStore errors', () => {
  it('wraps SDK failures in DynamoStoreError naming the operation and the table', async () => {
    const store = await dynamo.store({ tableName: 'healops-no-such-table' });
    const error: unknown = await store.load(KEY).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DynamoStoreError);
    expect((error as Error).message).toMatch(
      /DynamoDB table healops-no-such-table: load state failed: ResourceNotFound/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
