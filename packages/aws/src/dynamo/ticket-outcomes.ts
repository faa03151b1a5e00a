import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketOutbox } from '@healops/core';
import { cancellationCodes, isConditionFailed } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import { attemptPk, padNumber, ticketIdKey, ticketKey, ticketStatePk } from './item-keys.js';
import { dateMs } from './item-values.js';
import { locateTicket, notPending } from './ticket-locate.js';

/** lastError is cut to this many characters. */
const MAX_ERROR_LENGTH = 2_000;

/** What a failed delivery leads to: another try (counted or a probe ahead of the retry time), or dead. */
export type FailedOutcome = Parameters<TicketOutbox['markFailed']>[2];

/** Marks an action delivered; it and its id item expire `retentionMs` after delivery (TTL). */
export async function markTicketDelivered(
  table: DynamoTable,
  id: string,
  at: Date,
  ref: string | null,
  retentionMs: number,
): Promise<void> {
  await table.call('mark a ticket action delivered', async () => {
    const atMs = dateMs(at, 'delivered at');
    const where = await locateTicket(table, id);
    const expiresAt = Math.floor((atMs + retentionMs) / 1000);
    try {
      await table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table.name,
                Key: ticketKey(where.route, where.seq),
                UpdateExpression:
                  'SET #state = :delivered, attempts = attempts + :one, deliveredAt = :at, lastAttemptAt = :at, ' +
                  'claimedUntil = :zero, #ref = :ref, expiresAt = :exp, gsi2pk = :apk, gsi2sk = :ask ' +
                  'REMOVE gsi1pk, gsi1sk',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#state': 'state', '#ref': 'ref' },
                ExpressionAttributeValues: {
                  ':delivered': 'delivered',
                  ':one': 1,
                  ':at': atMs,
                  ':zero': 0,
                  ':ref': ref,
                  ':exp': expiresAt,
                  ':apk': attemptPk(where.route),
                  ':ask': padNumber(atMs),
                },
              },
            },
            {
              Update: {
                TableName: table.name,
                Key: ticketIdKey(id),
                UpdateExpression: 'SET expiresAt = :exp',
                ExpressionAttributeValues: { ':exp': expiresAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw notPending(id);
      throw error;
    }
  });
}

/** Records a failed delivery: the error, the attempt, and either the next try or the move to dead. */
export async function markTicketFailed(
  table: DynamoTable,
  id: string,
  error: string,
  outcome: FailedOutcome,
  at: Date,
): Promise<void> {
  await table.call('record a failed ticket delivery', async () => {
    const atMs = dateMs(at, 'failed at');
    const where = await locateTicket(table, id);
    const values: Record<string, unknown> = {
      ':at': atMs,
      ':error': error.slice(0, MAX_ERROR_LENGTH),
      ':zero': 0,
      ':apk': attemptPk(where.route),
      ':ask': padNumber(atMs),
    };
    const common =
      'lastAttemptAt = :at, lastError = :error, claimedUntil = :zero, gsi2pk = :apk, gsi2sk = :ask';
    let update: string;
    let condition: string;
    if ('dead' in outcome) {
      update = `SET #state = :dead, attempts = attempts + :one, ${common}, gsi1pk = :dpk, gsi1sk = :gsk REMOVE expiresAt`;
      condition = 'attribute_exists(pk)';
      Object.assign(values, {
        ':dead': 'dead',
        ':one': 1,
        ':dpk': ticketStatePk('dead', where.route),
        ':gsk': padNumber(where.seq),
      });
    } else if (outcome.countAttempt) {
      update = `SET attempts = attempts + :one, nextAttemptAt = :next, ${common}`;
      condition = '#state = :pending';
      const next = dateMs(outcome.retryAt, 'retry at');
      Object.assign(values, { ':one': 1, ':next': next, ':pending': 'pending' });
    } else {
      // A probe ahead of the retry time: the count and the schedule stay as they were.
      update = `SET ${common}`;
      condition = '#state = :pending';
      Object.assign(values, { ':pending': 'pending' });
    }
    try {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: ticketKey(where.route, where.seq),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames:
            condition.includes('#state') || update.includes('#state') ? { '#state': 'state' } : undefined,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (failure) {
      if (isConditionFailed(failure)) throw notPending(id);
      throw failure;
    }
  });
}
