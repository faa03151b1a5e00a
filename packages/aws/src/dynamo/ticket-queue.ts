import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { QueuedTicket } from '@healops/core';
import { cancellationCodes, DynamoStoreError } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import { dateMs } from './item-values.js';
import { duplicateTicketId, ticketWrites } from './ticket-writes.js';

/** Tickets per enqueue transaction (two items each, plus route registry items). */
const ENQUEUE_CHUNK = 40;

/** Queues ticket actions in transactions of ENQUEUE_CHUNK, numbering them from the table's ticket counter. */
export async function enqueueTickets(
  table: DynamoTable,
  tickets: readonly QueuedTicket[],
  at: Date,
): Promise<void> {
  await table.call('queue ticket actions', async () => {
    const atMs = dateMs(at, 'enqueue at');
    for (let i = 0; i < tickets.length; i += ENQUEUE_CHUNK) {
      const chunk = tickets.slice(i, i + ENQUEUE_CHUNK);
      const first = await table.takeSeq(chunk.length);
      await queueTransaction(table, ticketWrites(table.name, chunk, first, atMs), 0, chunk);
    }
  });
}

/**
 * Runs a transaction that queues tickets (their writes start at `offset`); a delivery id already queued is a
 * DynamoStoreError naming it.
 */
export async function queueTransaction(
  table: DynamoTable,
  items: ReturnType<typeof ticketWrites>,
  offset: number,
  tickets: readonly QueuedTicket[],
): Promise<void> {
  try {
    await table.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    const id = codes === undefined ? undefined : duplicateTicketId(codes, offset, tickets);
    if (id !== undefined) {
      throw new DynamoStoreError(`ticket action ${id} is already queued (delivery ids are unique)`, {
        cause: error,
      });
    }
    throw error;
  }
}
