import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { QueuedTicket } from '@healops/core';
import { routeKey } from './item-keys.js';
import { guardItemSize } from './item-values.js';
import { ticketIdItem, ticketToItem } from './ticket-item.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems takes at most this many items. */
export const TRANSACTION_MAX_ITEMS = 100;

/**
 * The writes that queue `tickets` (seq numbers from `firstSeq` on): per ticket its item and its id pointer, both
 * only if new (a delivery id is queued once), and one registry item per route. Goes into the caller's transaction.
 */
export function ticketWrites(
  table: string,
  tickets: readonly QueuedTicket[],
  firstSeq: number,
  atMs: number,
) {
  const items: TransactItem[] = [];
  tickets.forEach((ticket, i) => {
    const item = ticketToItem(ticket, firstSeq + i, atMs);
    guardItemSize(item, `ticket action ${ticket.id}`);
    items.push(
      { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: table,
          Item: ticketIdItem(ticket, firstSeq + i),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    );
  });
  for (const route of new Set(tickets.map((t) => t.route))) {
    items.push({ Put: { TableName: table, Item: { ...routeKey(route), route } } });
  }
  return items;
}

/** The delivery id whose write failed its condition in a cancelled transaction built with ticketWrites. */
export function duplicateTicketId(
  codes: ReadonlyArray<string | undefined>,
  offset: number,
  tickets: readonly QueuedTicket[],
): string | undefined {
  const index = codes.findIndex((code, i) => i >= offset && code === 'ConditionalCheckFailed');
  if (index < 0) return undefined;
  return tickets[Math.floor((index - offset) / 2)]?.id;
}
