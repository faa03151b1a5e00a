import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, CheckKey } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { DynamoStoreError } from '../src/dynamo/dynamo-store-error.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

const dynamo = useDynamoMoto();

const KEY: CheckKey = { package: 'linux-base', check: 'disk-root', target: 'i-0abc' };
const NOW = new Date('2025-01-03T12:00:00.000Z');
const now = () => NOW;

function minutes(n: number, day = 1): string {
  return new Date(Date.UTC(2025, 0, day, 0, n)).toISOString();
}

function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: minutes(0),
    type: 'check-result',
    key: KEY,
    status: 'ok',
    message: 'DISK OK',
    ...overrides,
  };
}

describe('DynamoStore as an AuditLog', () => {
  it('round-trips events with and without status and detail, oldest first', async () => {
    const store = await dynamo.store({ now });
    const withDetail = auditEvent({
      time: minutes(2),
      type: 'repair-skipped',
      status: 'critical',
      message: 'repair skipped: budget',
      detail: { reason: 'budget', used: 3, window: { max: 3, perMs: 3_600_000 }, hosts: ['a', 'b'] },
    });
    const bare = { time: minutes(1), type: 'escalated', key: KEY, message: 'ticket opened' } as const;
    await store.append([withDetail, bare]);
    expect(await store.queryAudit({})).toEqual([bare, withDetail]);
  });

  it('keeps append order for events with the same time', async () => {
    const store = await dynamo.store({ now });
    await store.append(['first', 'second', 'third'].map((message) => auditEvent({ message })));
    await store.append([auditEvent({ message: 'fourth' })]);
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual([
      'first',
      'second',
      'third',
      'fourth',
    ]);
  });

  it('reads across day partitions in time order', async () => {
    const store = await dynamo.store({ now });
    await store.append([
      auditEvent({ time: minutes(5, 3), message: 'day3' }),
      auditEvent({ time: minutes(5, 1), message: 'day1' }),
      auditEvent({ time: minutes(5, 2), message: 'day2' }),
    ]);
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual(['day1', 'day2', 'day3']);
    expect((await store.queryAudit({ since: new Date(minutes(0, 2)) })).map((e) => e.message)).toEqual([
      'day2',
      'day3',
    ]);
    expect((await store.queryAudit({ limit: 2 })).map((e) => e.message)).toEqual(['day2', 'day3']);
  });

  it('filters by since, package and check', async () => {
    const store = await dynamo.store({ now });
    await store.append([
      auditEvent({ time: minutes(1), message: 'old' }),
      auditEvent({ time: minutes(5), message: 'match' }),
      auditEvent({ time: minutes(6), message: 'other check', key: { ...KEY, check: 'load' } }),
      auditEvent({ time: minutes(7), message: 'other package', key: { ...KEY, package: 'http' } }),
    ]);
    const messages = async (query: Parameters<typeof store.queryAudit>[0]) =>
      (await store.queryAudit(query)).map((e) => e.message);
    expect(await messages({ since: new Date(minutes(5)) })).toEqual([
      'match',
      'other check',
      'other package',
    ]);
    expect(await messages({ package: KEY.package })).toEqual(['old', 'match', 'other check']);
    expect(await messages({ check: KEY.check })).toEqual(['old', 'match', 'other package']);
    expect(await messages({ since: new Date(minutes(2)), package: KEY.package, check: KEY.check })).toEqual([
      'match',
    ]);
  });

  it('returns the most recent `limit` matching events, still oldest first', async () => {
    const store = await dynamo.store({ now });
    await store.append([5, 1, 4, 2, 3].map((n) => auditEvent({ time: minutes(n), message: `m${n}` })));
    await store.append([
      auditEvent({ time: minutes(9), message: 'other', key: { ...KEY, package: 'http' } }),
    ]);
    expect((await store.queryAudit({ limit: 2, package: KEY.package })).map((e) => e.message)).toEqual([
      'm4',
      'm5',
    ]);
    expect(await store.queryAudit({ limit: 0 })).toEqual([]);
    await expect(store.queryAudit({ limit: -1 })).rejects.toThrow(DynamoStoreError);
  });

  it('checks a whole batch first: one bad event stores none of them', async () => {
    const store = await dynamo.store({ now });
    await expect(
      store.append([auditEvent({ message: 'good' }), auditEvent({ time: 'yesterday-ish', message: 'bad' })]),
    ).rejects.toThrow(DynamoStoreError);
    expect(await store.queryAudit({})).toEqual([]);
  });

  it('writes batches larger than one BatchWriteItem call', async () => {
    const store = await dynamo.store({ now });
    const events = Array.from({ length: 60 }, (_, i) => auditEvent({ time: minutes(i), message: `e${i}` }));
    await store.append(events);
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual(events.map((e) => e.message));
  });

  it('sets expiresAt to the event time plus the retention, and looks back only that far by default', async () => {
    const store = await dynamo.store({ now, auditRetentionDays: 1 });
    await store.append([
      auditEvent({ time: minutes(0, 1), message: 'two days ago' }),
      auditEvent({ time: minutes(0, 3), message: 'today' }),
    ]);
    const out = await DynamoDBDocumentClient.from(dynamo.client()).send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT#2025-01-03' },
      }),
    );
    expect(out.Items?.map((i) => i.expiresAt)).toEqual([Date.parse(minutes(0, 4)) / 1000]);
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual(['today']);
    expect((await store.queryAudit({ since: new Date(minutes(0, 1)) })).map((e) => e.message)).toEqual([
      'two days ago',
      'today',
    ]);
  });
});
