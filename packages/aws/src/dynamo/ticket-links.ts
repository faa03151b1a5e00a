import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoTable } from './dynamo-table.js';
import { linkKey } from './item-keys.js';
import { dateMs } from './item-values.js';

/** The ticket reference linked to a route's problem, if any. */
export async function getTicketLink(
  table: DynamoTable,
  route: string,
  dedupKey: string,
): Promise<string | undefined> {
  return table.call('read a ticket link', async () => {
    const out = await table.doc.send(
      new GetCommand({ TableName: table.name, Key: linkKey(route, dedupKey), ConsistentRead: true }),
    );
    const ref: unknown = out.Item?.ref;
    return typeof ref === 'string' ? ref : undefined;
  });
}

/** Links a route's problem to a ticket reference; null removes the link. */
export async function setTicketLink(
  table: DynamoTable,
  route: string,
  dedupKey: string,
  ref: string | null,
  at: Date,
): Promise<void> {
  await table.call('write a ticket link', async () => {
    const key = linkKey(route, dedupKey);
    if (ref === null) {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: key }));
      return;
    }
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { ...key, route, dedupKey, ref, updatedAt: dateMs(at, 'link at') },
      }),
    );
  });
}
