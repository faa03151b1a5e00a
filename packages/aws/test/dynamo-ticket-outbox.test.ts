import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { at, queued, T0 } from '../../../test/contracts/store-harness.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

// DynamoDB only: the TTL that prunes delivered actions, and the refusal that names a delivery id queued twice. The
// TicketOutbox and TicketLinks ports are the contract in test/contracts/ticket-*-contract.ts, run by
// dynamo-store-contract.test.ts.

const dynamo = useDynamoMoto();

const DAY_S = 86_400;

describe('DynamoStore ticket items', () => {
  it('prunes by TTL: delivered actions (and their id pointers) expire 30 days after delivery, others never', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue(
      [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
      T0,
    );
    await outbox.markDelivered('a', at(10_000), null);
    await outbox.markFailed('b', 'refused', { dead: true }, at(1));
    const doc = DynamoDBDocumentClient.from(dynamo.client());
    const item = async (pk: string, sk: string) =>
      (await doc.send(new GetCommand({ TableName: outbox.tableName, Key: { pk, sk } }))).Item;
    const expected = Math.floor(at(10_000).getTime() / 1000) + 30 * DAY_S;
    expect((await item('TICKET#pd', '0000000000000001'))?.expiresAt).toBe(expected);
    expect((await item('TICKETID#a', 'TICKETID'))?.expiresAt).toBe(expected);
    expect((await item('TICKET#pd', '0000000000000002'))?.expiresAt).toBeUndefined();
    expect((await item('TICKET#pd', '0000000000000003'))?.expiresAt).toBeUndefined();
  });

  it('names the delivery id an enqueue would queue twice', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('a', 'trigger')], T0);
    await expect(outbox.enqueue([queued('a', 'resolve')], at(1))).rejects.toThrow(
      /ticket action a is already queued/,
    );
  });
});
