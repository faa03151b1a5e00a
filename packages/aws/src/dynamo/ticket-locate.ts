import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStoreError } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import { ROUTES_PK, ticketIdKey } from './item-keys.js';

/** Where a ticket action's item lives: its route partition and seq. */
export interface Located {
  readonly route: string;
  readonly seq: number;
}

/** The route and seq of a ticket action by its delivery id (the id item), or undefined when there is none. */
export async function findTicket(table: DynamoTable, id: string): Promise<Located | undefined> {
  const out = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: ticketIdKey(id), ConsistentRead: true }),
  );
  const route: unknown = out.Item?.route;
  const seq: unknown = out.Item?.seq;
  return typeof route === 'string' && typeof seq === 'number' ? { route, seq } : undefined;
}

/** As findTicket, but an action that is not there is a DynamoStoreError. */
export async function locateTicket(table: DynamoTable, id: string): Promise<Located> {
  const where = await findTicket(table, id);
  if (where === undefined) throw notPending(id);
  return where;
}

export function notPending(id: string): DynamoStoreError {
  return new DynamoStoreError(`ticket action ${id} is not in the outbox (or not pending)`);
}

/** Every route that ever had a ticket action queued (the route registry). */
export async function ticketRoutes(table: DynamoTable): Promise<string[]> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ROUTES_PK },
    ConsistentRead: true,
  });
  return items.map((item) => String(item.sk));
}
