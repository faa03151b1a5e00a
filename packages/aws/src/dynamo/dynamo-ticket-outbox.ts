import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ClaimOptions,
  OUTBOX_MAX_RETRY_WAIT_MS,
  type QueuedTicket,
  type TicketLinks,
  type TicketListQuery,
  type TicketOutbox,
  type TicketRecord,
  type TicketState,
} from '@healops/core';
import { cancellationCodes, DynamoStoreError, isConditionFailed } from './dynamo-store-error.js';
import type { DynamoTable } from './dynamo-table.js';
import {
  attemptPk,
  linkKey,
  padNumber,
  ROUTES_PK,
  ticketIdKey,
  ticketKey,
  ticketPk,
  ticketStatePk,
} from './item-keys.js';
import { dateMs, type Item } from './item-values.js';
import { itemToTicket } from './ticket-item.js';
import { duplicateTicketId, ticketWrites } from './ticket-writes.js';

/** lastError is cut to this many characters. */
const MAX_ERROR_LENGTH = 2_000;
/** Tickets per enqueue transaction (two items each, plus route registry items). */
const ENQUEUE_CHUNK = 40;
const DAY_MS = 86_400_000;

interface Located {
  readonly route: string;
  readonly seq: number;
}

/**
 * The ticket outbox and ticket links in the HealOps table. Claims are conditional writes on the ticket item
 * (`claimedUntil` expired, still pending), so two deliverers (two Lambdas) never send the same action at once; a
 * record that loses the race is skipped. Candidates are read from gsi1 (pending actions of the route only).
 * Delivered actions expire `deliveredRetentionDays` after delivery (TTL): that is the outbox's prune.
 */
export class DynamoTicketOutbox implements TicketOutbox, TicketLinks {
  readonly #table: DynamoTable;
  readonly #deliveredRetentionMs: number;

  constructor(table: DynamoTable, deliveredRetentionDays: number) {
    this.#table = table;
    this.#deliveredRetentionMs = deliveredRetentionDays * DAY_MS;
  }

  async enqueue(tickets: readonly QueuedTicket[], at: Date): Promise<void> {
    await this.#table.call('queue ticket actions', async () => {
      const atMs = dateMs(at, 'enqueue at');
      for (let i = 0; i < tickets.length; i += ENQUEUE_CHUNK) {
        const chunk = tickets.slice(i, i + ENQUEUE_CHUNK);
        const first = await this.#table.takeSeq(chunk.length);
        await queueTransaction(this.#table, ticketWrites(this.#table.name, chunk, first, atMs), 0, chunk);
      }
    });
  }

  async claimDue(route: string, now: Date, limit: number, options: ClaimOptions): Promise<TicketRecord[]> {
    return this.#table.call('claim due ticket actions', async () => {
      const nowMs = dateMs(now, 'claimDue now');
      const want = Math.max(0, Math.floor(limit));
      if (want === 0) return [];
      const late = nowMs + OUTBOX_MAX_RETRY_WAIT_MS;
      const pending = await this.#table.queryAll({
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
        const record = await this.#claim(item, nowMs, late, options);
        if (record !== undefined) claimed.push(record);
      }
      return claimed;
    });
  }

  async #claim(
    item: Item,
    nowMs: number,
    late: number,
    options: ClaimOptions,
  ): Promise<TicketRecord | undefined> {
    const backoff =
      options.ignoreBackoff === true ? '' : ' AND (nextAttemptAt <= :now OR nextAttemptAt > :late)';
    try {
      const out = await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
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

  async markDelivered(id: string, at: Date, ref: string | null): Promise<void> {
    await this.#table.call('mark a ticket action delivered', async () => {
      const atMs = dateMs(at, 'delivered at');
      const where = await this.#locate(id);
      const expiresAt = Math.floor((atMs + this.#deliveredRetentionMs) / 1000);
      try {
        await this.#table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.#table.name,
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
                  TableName: this.#table.name,
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

  async markFailed(
    id: string,
    error: string,
    outcome: { readonly retryAt: Date; readonly countAttempt: boolean } | { readonly dead: true },
    at: Date,
  ): Promise<void> {
    await this.#table.call('record a failed ticket delivery', async () => {
      const atMs = dateMs(at, 'failed at');
      const where = await this.#locate(id);
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
        await this.#table.doc.send(
          new UpdateCommand({
            TableName: this.#table.name,
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

  async release(ids: readonly string[]): Promise<void> {
    await this.#table.call('release ticket claims', async () => {
      for (const id of ids) {
        const where = await this.#find(id);
        if (where === undefined) continue;
        try {
          await this.#table.doc.send(
            new UpdateCommand({
              TableName: this.#table.name,
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

  async list(query: TicketListQuery): Promise<TicketRecord[]> {
    return this.#table.call('list ticket actions', async () => {
      const routes = query.route === undefined ? await this.#routes() : [query.route];
      const states = query.states !== undefined && query.states.length > 0 ? query.states : undefined;
      const items = await Promise.all(routes.map((route) => this.#routeItems(route, states)));
      let records = items
        .flat()
        .map(itemToTicket)
        .filter((r) => states === undefined || states.includes(r.state))
        .filter((r) => query.dedupKey === undefined || r.event.dedupKey === query.dedupKey)
        .sort((a, b) => a.seq - b.seq);
      if (query.limit !== undefined) {
        const limit = Math.max(0, Math.floor(query.limit));
        records = limit === 0 ? [] : records.slice(-limit);
      }
      return records;
    });
  }

  /** A route's records: pending/dead ones from gsi1 when only those are asked for, else the whole partition. */
  async #routeItems(route: string, states: readonly TicketState[] | undefined): Promise<Item[]> {
    if (states !== undefined && !states.includes('delivered')) {
      const parts = await Promise.all(
        states.map((state) =>
          this.#table.queryAll({
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': ticketStatePk(state === 'dead' ? 'dead' : 'pending', route) },
          }),
        ),
      );
      return parts.flat();
    }
    return this.#table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ticketPk(route) },
      ConsistentRead: true,
    });
  }

  async retryDead(ids: readonly string[] | undefined, now: Date): Promise<number> {
    return this.#table.call('re-queue dead ticket actions', async () => {
      const nowMs = dateMs(now, 'retry now');
      const dead: TicketRecord[] = [];
      if (ids === undefined) {
        dead.push(...(await this.list({ states: ['dead'] })));
      } else {
        for (const id of new Set(ids)) {
          const where = await this.#find(id);
          if (where === undefined) continue;
          const out = await this.#table.doc.send(
            new GetCommand({
              TableName: this.#table.name,
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
        if (await this.#superseded(record)) continue;
        if (await this.#requeue(record, nowMs)) requeued++;
      }
      return requeued;
    });
  }

  /** A later action of the same route and problem that is pending or delivered: re-sending this one would undo it. */
  async #superseded(record: TicketRecord): Promise<boolean> {
    const later = await this.#table.count({
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

  async #requeue(record: TicketRecord, nowMs: number): Promise<boolean> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
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

  /** pending and dead from gsi1; delivered by counting the route partitions (delivered actions expire by TTL). */
  async counts(): Promise<Readonly<Record<TicketState, number>>> {
    return this.#table.call('count ticket actions', async () => {
      const counts: Record<TicketState, number> = { pending: 0, delivered: 0, dead: 0 };
      const perRoute = await Promise.all(
        (await this.#routes()).map(async (route) => {
          const gsi1 = (state: 'pending' | 'dead') =>
            this.#table.count({
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': ticketStatePk(state, route) },
            });
          const delivered = this.#table.count({
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: '#state = :delivered',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pk': ticketPk(route), ':delivered': 'delivered' },
          });
          return Promise.all([gsi1('pending'), delivered, gsi1('dead')]);
        }),
      );
      for (const [pending, delivered, dead] of perRoute) {
        counts.pending += pending;
        counts.delivered += delivered;
        counts.dead += dead;
      }
      return counts;
    });
  }

  async attemptsSince(route: string, since: Date): Promise<Date[]> {
    return this.#table.call('read recent ticket sends', async () => {
      const items = await this.#table.queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :since',
        ExpressionAttributeValues: { ':pk': attemptPk(route), ':since': padNumber(dateMs(since, 'since')) },
      });
      return items.map((item) => new Date(Number(item.gsi2sk)));
    });
  }

  // --- TicketLinks ---

  async getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.#table.call('read a ticket link', async () => {
      const out = await this.#table.doc.send(
        new GetCommand({ TableName: this.#table.name, Key: linkKey(route, dedupKey), ConsistentRead: true }),
      );
      const ref: unknown = out.Item?.ref;
      return typeof ref === 'string' ? ref : undefined;
    });
  }

  async setLink(route: string, dedupKey: string, ref: string | null, at: Date): Promise<void> {
    await this.#table.call('write a ticket link', async () => {
      const key = linkKey(route, dedupKey);
      if (ref === null) {
        await this.#table.doc.send(new DeleteCommand({ TableName: this.#table.name, Key: key }));
        return;
      }
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...key, route, dedupKey, ref, updatedAt: dateMs(at, 'link at') },
        }),
      );
    });
  }

  async #routes(): Promise<string[]> {
    const items = await this.#table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ROUTES_PK },
      ConsistentRead: true,
    });
    return items.map((item) => String(item.sk));
  }

  async #find(id: string): Promise<Located | undefined> {
    const out = await this.#table.doc.send(
      new GetCommand({ TableName: this.#table.name, Key: ticketIdKey(id), ConsistentRead: true }),
    );
    const route: unknown = out.Item?.route;
    const seq: unknown = out.Item?.seq;
    return typeof route === 'string' && typeof seq === 'number' ? { route, seq } : undefined;
  }

  async #locate(id: string): Promise<Located> {
    const where = await this.#find(id);
    if (where === undefined) throw notPending(id);
    return where;
  }
}

function notPending(id: string): DynamoStoreError {
  return new DynamoStoreError(`ticket action ${id} is not in the outbox (or not pending)`);
}

function bySeq(a: Item, b: Item): number {
  return Number(a.seq) - Number(b.seq);
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
