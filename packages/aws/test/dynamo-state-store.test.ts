import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CheckKey,
  type CheckState,
  initialState,
  type QueuedTicket,
  StateConflictError,
} from '@healops/core';
import { describe, expect, it } from 'vitest';
import { makeTicketEvent } from '../../core/test/support/tickets-fixtures.js';
import { DynamoStoreError } from '../src/dynamo/dynamo-store-error.js';
import { DYNAMO_KEYS, DYNAMO_TABLE_SCHEMA } from '../src/dynamo/table-schema.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

const dynamo = useDynamoMoto();

const KEY: CheckKey = { package: 'linux-base', check: 'disk-root', target: 'i-0abc' };
const fresh = (key: CheckKey = KEY): CheckState => initialState(key);

const FULL_STATE: CheckState = {
  key: KEY,
  version: 0,
  lastStatus: 'critical',
  lastRunAt: '2025-03-04T05:06:07.890Z',
  consecutiveFailures: 4,
  consecutiveUnknowns: 1,
  history: [0, 0, 2, 3, 2, 2],
  flapping: true,
  repairTimes: ['2025-03-04T05:00:00.000Z', '2025-03-04T05:05:00.000Z'],
  failedRepairStreak: 2,
  problem: {
    dedupKey: 'healops:linux-base/disk-root@i-0abc:1741064767890',
    openedAt: '2025-03-04T05:06:07.890Z',
    severity: 'critical',
    reason: 'repair-failed',
    lastStatus: 'critical',
    lastOutput: "DISK CRITICAL - free space: / 1% | '/'=99%;80;90;0;100\nline two ✓",
    updatedAt: '2025-03-04T05:06:07.890Z',
    occurrences: 3,
  },
  incidentRepairs: 2,
  repairLeaseOwner: 'lambda:repair:abc',
  repairLeaseUntil: '2025-03-04T05:10:00.000Z',
};

function queued(id: string, dedupKey = 'healops/web/nginx-up/web-1'): QueuedTicket {
  return { id, route: 'pd', event: makeTicketEvent({ action: 'trigger', dedupKey }) };
}

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

describe('DynamoStore as a StateStore', () => {
  it('round-trips a full check state, problem and history included', async () => {
    const store = await dynamo.store();
    expect(await store.save(FULL_STATE, 0)).toEqual({ ...FULL_STATE, version: 1 });
    expect(await store.load(KEY)).toEqual({ ...FULL_STATE, version: 1 });
  });

  it('returns undefined for a key that was never saved', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0);
    expect(await store.load({ ...KEY, target: 'i-other' })).toBeUndefined();
  });

  it('keeps keys apart whose names contain the separator', async () => {
    const store = await dynamo.store();
    const a = { package: 'a#b', check: 'c', target: 't' };
    const b = { package: 'a', check: 'b#c', target: 't' };
    await store.save({ ...fresh(a), consecutiveFailures: 1 }, 0);
    await store.save({ ...fresh(b), consecutiveFailures: 2 }, 0);
    expect((await store.load(a))?.consecutiveFailures).toBe(1);
    expect((await store.load(b))?.consecutiveFailures).toBe(2);
  });

  it('increments the version on every successful save and stores the new values', async () => {
    const store = await dynamo.store();
    const v1 = await store.save(fresh(), 0);
    const v2 = await store.save({ ...v1, consecutiveFailures: 1, lastStatus: 'warning' }, v1.version);
    const v3 = await store.save({ ...v2, consecutiveFailures: 2, problem: null }, v2.version);
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    expect(await store.load(KEY)).toMatchObject({
      version: 3,
      consecutiveFailures: 2,
      lastStatus: 'warning',
    });
  });

  it('rejects a second insert (expectedVersion 0) of an existing key', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0);
    await expect(store.save({ ...fresh(), consecutiveFailures: 9 }, 0)).rejects.toBeInstanceOf(
      StateConflictError,
    );
    expect(await store.load(KEY)).toMatchObject({ version: 1, consecutiveFailures: 0 });
  });

  it('rejects the second of two saves made with the same expected version', async () => {
    const store = await dynamo.store();
    const v1 = await store.save(fresh(), 0);
    await store.save({ ...v1, consecutiveFailures: 1 }, 1);
    await expect(store.save({ ...v1, consecutiveFailures: 7 }, 1)).rejects.toThrow(StateConflictError);
    expect(await store.load(KEY)).toMatchObject({ version: 2, consecutiveFailures: 1 });
  });

  it('rejects an update of a key that does not exist', async () => {
    const store = await dynamo.store();
    await expect(store.save(fresh(), 3)).rejects.toThrow(StateConflictError);
    expect(await store.load(KEY)).toBeUndefined();
  });

  it.each([-1, 1.5, Number.NaN])('rejects expectedVersion %s as invalid', async (expected) => {
    const store = await dynamo.store();
    await expect(store.save(fresh(), expected)).rejects.toThrow(DynamoStoreError);
  });

  it('lets exactly one of two concurrent repair-lease saves from one version win, across two stores', async () => {
    const first = await dynamo.store();
    const second = await dynamo.store({ tableName: first.tableName });
    const v1 = await first.save(fresh(), 0);
    const lease = (owner: string) => ({
      ...v1,
      repairLeaseOwner: owner,
      repairLeaseUntil: '2026-03-01T10:05:00.000Z',
    });
    for (let round = 0; round < 5; round++) {
      const current = await first.load(KEY);
      if (current === undefined) throw new Error('state vanished');
      const results = await Promise.allSettled([
        first.save({ ...lease(`lambda:a:${round}`), version: current.version }, current.version),
        second.save({ ...lease(`lambda:b:${round}`), version: current.version }, current.version),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(StateConflictError);
      const stored = await second.load(KEY);
      expect(stored?.version).toBe(current.version + 1);
      const winner = won[0]?.status === 'fulfilled' ? won[0].value.repairLeaseOwner : undefined;
      expect(stored?.repairLeaseOwner).toBe(winner);
    }
  });

  it('lists every state ordered by package, check and target', async () => {
    const store = await dynamo.store();
    const keys = [
      { package: 'b', check: 'x', target: 'h1' },
      { package: 'a', check: 'y', target: 'h2' },
      { package: 'a', check: 'y', target: 'h1' },
      { package: 'a', check: 'x', target: 'h9' },
    ];
    for (const key of keys) await store.save(fresh(key), 0);
    const listed = (await store.listStates()).map((s) => `${s.key.package}/${s.key.check}@${s.key.target}`);
    expect(listed).toEqual(['a/x@h9', 'a/y@h1', 'a/y@h2', 'b/x@h1']);
  });

  it('lists open problems only, ordered by the time they opened, and drops closed ones', async () => {
    const store = await dynamo.store();
    const problem = FULL_STATE.problem;
    if (problem === null) throw new Error('fixture needs a problem');
    const later = { ...KEY, target: 'later' };
    const earlier = { ...KEY, target: 'earlier' };
    const healthy = { ...KEY, target: 'healthy' };
    const closed = { ...KEY, target: 'closed' };
    await store.save({ ...fresh(later), problem: { ...problem, openedAt: '2025-05-01T00:00:00.000Z' } }, 0);
    await store.save(fresh(healthy), 0);
    await store.save({ ...fresh(earlier), problem: { ...problem, openedAt: '2025-04-01T00:00:00.000Z' } }, 0);
    const open = await store.save({ ...fresh(closed), problem }, 0);
    await store.save({ ...open, problem: null }, open.version);

    const problems = await store.openProblems();
    expect(problems.map((p) => p.key)).toEqual([earlier, later]);
    expect(problems[0]?.problem).toEqual({ ...problem, openedAt: '2025-04-01T00:00:00.000Z' });
  });

  it('refuses a state over the 400 KB item limit, naming the key and not the content', async () => {
    const store = await dynamo.store();
    const problem = FULL_STATE.problem;
    if (problem === null) throw new Error('fixture needs a problem');
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

describe('DynamoStore.save with tickets', () => {
  it('queues the tickets in the same transaction as the state', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0, [queued('a')]);
    const [record] = await store.list({});
    expect(record).toMatchObject({ id: 'a', route: 'pd', state: 'pending', attempts: 0, ref: null });
    expect(record?.event).toEqual(makeTicketEvent({ action: 'trigger' }));
    expect((await store.load(KEY))?.version).toBe(1);
  });

  it('queues nothing when the state write loses a conflict', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0);
    await expect(store.save(fresh(), 0, [queued('a')])).rejects.toThrow(StateConflictError);
    expect(await store.list({})).toEqual([]);
  });

  it('saves nothing when a ticket cannot be queued (duplicate delivery id)', async () => {
    const store = await dynamo.store();
    await store.save(fresh(), 0, [queued('a')]);
    await expect(store.save({ ...fresh(), version: 1 }, 1, [queued('a', 'other')])).rejects.toThrow(
      /ticket action a is already queued/,
    );
    expect((await store.load(KEY))?.version).toBe(1);
    expect(await store.list({})).toHaveLength(1);
  });

  it('lets exactly one of two concurrent saves with tickets win and queues only the winner’s', async () => {
    const first = await dynamo.store();
    const second = await dynamo.store({ tableName: first.tableName });
    const v1 = await first.save(fresh(), 0);
    const results = await Promise.allSettled([
      first.save({ ...v1, consecutiveFailures: 1 }, 1, [queued('from-first')]),
      second.save({ ...v1, consecutiveFailures: 2 }, 1, [queued('from-second')]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(failures[0]).toBeInstanceOf(StateConflictError);
    const winner = (await first.load(KEY))?.consecutiveFailures === 1 ? 'from-first' : 'from-second';
    expect((await first.list({})).map((r) => r.id)).toEqual([winner]);
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
});
