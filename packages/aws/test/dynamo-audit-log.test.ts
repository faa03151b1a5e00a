import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AUDIT_NOW, auditEvent, minutes } from '../../../test/contracts/store-harness.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

// DynamoDB only: BatchWriteItem chunking and the audit items' TTL. The AuditLog port itself (order, filters, limit,
// atomic batches, several days) is the contract in test/contracts/audit-log-contract.ts, run by
// dynamo-store-contract.test.ts.

const dynamo = useDynamoMoto();

const now = () => AUDIT_NOW;

describe('DynamoStore audit items', () => {
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
