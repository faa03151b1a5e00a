import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ClaimOptions, OUTBOX_MAX_RETRY_WAIT_MS, type TicketRecord } from '@healops/core';
import { isConditionFailed } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import { ticketKey, ticketStatePk } from './item-keys.js';
import { dateMs, type Item } from './item-values.js';
import { itemToTicket } from './ticket-item.js';
import { findTicket } from './ticket-locate.js';

/**
 * Claims up to `limit` due actions of a route: the oldest pending action of each problem, when neither claimed nor
 * (unless ignoreBackoff) waiting for its retry time. Each claim is a conditional write; one lost to another
 * deliverer is skipped.
 */
export async function claimDueTickets(
  table: DynamoTable,
  route: string,
  now: Date,
  limit: number,
  options: ClaimOptions,
): Promise<TicketRecord[]> {
  return table.call('claim due ticket actions', async () => {
    const nowMs = dateMs(now, 'claimDue now');
    const want = Math.max(0, Math.floor(limit));
    if (want === 0) return [];
    const late = nowMs + OUTBOX_MAX_RETRY_WAIT_MS;
    const pending = await table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ticketStatePk('pending', route) },
    });
    // The oldest pending action of each problem, claimed or not: later ones wait behind it.
    const oldest = new Map<string, Item>();
    for (const item of pending.sort(bySeq)) {
      const key = String(item.dedupKey);
      if (!oldest.has(key)) oldest.set(key, item);
    }
    const free = (ms: unknown) => typeof ms !== 'number' || ms <= nowMs || ms > late;
    const candidates = [...oldest.values()].filter(
      (item) => free(item.claimedUntil) && (options.ignoreBackoff === true || free(item.nextAttemptAt)),
    );
    const claimed: TicketRecord[] = [];
    for (const item of candidates) {
      if (claimed.length >= want) break;
      const record = await claim(table, item, nowMs, late, options);
      if (record !== undefined) claimed.push(record);
    }
    return claimed;
  });
}

async function claim(
  table: DynamoTable,
  item: Item,
  nowMs: number,
  late: number,
  options: ClaimOptions,
): Promise<TicketRecord | undefined> {
  const backoff =
    options.ignoreBackoff === true ? '' : ' AND (nextAttemptAt <= :now OR nextAttemptAt > :late)';
  try {
    const out = await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET claimedUntil = :until',
        ConditionExpression: `#state = :pending AND (claimedUntil <= :now OR claimedUntil > :late)${backoff}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':until': nowMs + Math.max(0, options.claimMs),
          ':pending': 'pending',
          ':now': nowMs,
          ':late': late,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes === undefined ? undefined : itemToTicket(out.Attributes);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Drops the claims on still-pending actions; unknown ids and actions no longer pending are passed over. */
export async function releaseTickets(table: DynamoTable, ids: readonly string[]): Promise<void> {
  await table.call('release ticket claims', async () => {
    for (const id of ids) {
      const where = await findTicket(table, id);
      if (where === undefined) continue;
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: ticketKey(where.route, where.seq),
            UpdateExpression: 'SET claimedUntil = :zero',
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':zero': 0, ':pending': 'pending' },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
  });
}

function bySeq(a: Item, b: Item): number {
  return Number(a.seq) - Number(b.seq);
}
