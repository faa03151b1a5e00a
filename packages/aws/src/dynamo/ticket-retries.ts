import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketRecord } from '@healops/core';
import { isConditionFailed } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import { padNumber, ticketKey, ticketPk, ticketStatePk } from './item-keys.js';
import { dateMs } from './item-values.js';
import { itemToTicket } from './ticket-item.js';
import { listTickets } from './ticket-listing.js';
import { findTicket } from './ticket-locate.js';

/**
 * Re-queues dead actions (the given ids, or all of them) with a fresh attempt count, oldest first; one a later
 * live action of the same problem supersedes stays dead. Returns how many went back.
 */
export async function retryDeadTickets(
  table: DynamoTable,
  ids: readonly string[] | undefined,
  now: Date,
): Promise<number> {
  return table.call('re-queue dead ticket actions', async () => {
    const nowMs = dateMs(now, 'retry now');
    const dead: TicketRecord[] = [];
    if (ids === undefined) {
      dead.push(...(await listTickets(table, { states: ['dead'] })));
    } else {
      for (const id of new Set(ids)) {
        const where = await findTicket(table, id);
        if (where === undefined) continue;
        const out = await table.doc.send(
          new GetCommand({
            TableName: table.name,
            Key: ticketKey(where.route, where.seq),
            ConsistentRead: true,
          }),
        );
        if (out.Item !== undefined) dead.push(itemToTicket(out.Item));
      }
    }
    let requeued = 0;
    // Oldest first: a dead trigger is looked at before its dead resolve, so both go back in order.
    for (const record of dead.filter((r) => r.state === 'dead').sort((a, b) => a.seq - b.seq)) {
      if (await superseded(table, record)) continue;
      if (await requeue(table, record, nowMs)) requeued++;
    }
    return requeued;
  });
}

/** A later action of the same route and problem that is pending or delivered: re-sending this one would undo it. */
async function superseded(table: DynamoTable, record: TicketRecord): Promise<boolean> {
  const later = await table.count({
    KeyConditionExpression: 'pk = :pk AND sk > :sk',
    FilterExpression: 'dedupKey = :key AND #state <> :dead',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':pk': ticketPk(record.route),
      ':sk': padNumber(record.seq),
      ':key': record.event.dedupKey,
      ':dead': 'dead',
    },
    ConsistentRead: true,
  });
  return later > 0;
}

async function requeue(table: DynamoTable, record: TicketRecord, nowMs: number): Promise<boolean> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: ticketKey(record.route, record.seq),
        UpdateExpression:
          'SET #state = :pending, attempts = :zero, nextAttemptAt = :now, claimedUntil = :zero, gsi1pk = :ppk, gsi1sk = :gsk',
        ConditionExpression: '#state = :dead',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':dead': 'dead',
          ':zero': 0,
          ':now': nowMs,
          ':ppk': ticketStatePk('pending', record.route),
          ':gsk': padNumber(record.seq),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
