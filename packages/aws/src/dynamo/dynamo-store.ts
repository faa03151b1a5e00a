import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AuditEvent,
  type AuditLog,
  type AuditQuery,
  type CheckKey,
  type CheckState,
  type ClaimOptions,
  type Problem,
  type QueuedTicket,
  StateConflictError,
  type StateStore,
  type TicketLinks,
  type TicketListQuery,
  type TicketOutbox,
  type TicketRecord,
  type TicketState,
} from '@healops/core';
import { AUDIT_DAY_MS, auditDays, auditToItem, itemToAudit } from './audit-item.js';
import { cancellationCodes, DynamoStoreError, isConditionFailed } from './dynamo-store-error.js';
import { DynamoTable } from './dynamo-table.js';
import { DynamoTicketOutbox } from './dynamo-ticket-outbox.js';
import { auditPk, describeKey, PROBLEM_PK, STATE_LIST_PK, stateKey } from './item-keys.js';
import { dateMs, guardItemSize, type Item } from './item-values.js';
import { itemToKey, itemToProblem, itemToState, stateToItem } from './state-item.js';
import { queueTransaction } from './ticket-queue.js';
import { TRANSACTION_MAX_ITEMS, type TransactItem, ticketWrites } from './ticket-writes.js';

export interface DynamoStoreOptions {
  /** The table, created from DYNAMO_TABLE_SCHEMA. */
  readonly tableName: string;
  /**
   * A DynamoDBClient to share (the caller owns it), or the configuration to build one (region, endpoint,
   * credentials; adaptive retries unless it says otherwise). Default: the SDK's default configuration.
   */
  readonly client?: DynamoDBClient | DynamoDBClientConfig;
  /** Audit events expire (TTL) this many days after their time; queries without `since` look this far back. 90. */
  readonly auditRetentionDays?: number;
  /** Delivered ticket actions expire this many days after delivery. 30. */
  readonly deliveredRetentionDays?: number;
  /** The store's clock (audit query window, queueing time of tickets saved with a state). */
  readonly now?: () => Date;
}

/** Day partitions of the audit trail queried at once. */
const AUDIT_QUERY_CONCURRENCY = 8;

/**
 * HealOps state, audit trail, ticket outbox and ticket links in one DynamoDB table (DYNAMO_TABLE_SCHEMA), for the
 * AWS runtime: the core ports StateStore, AuditLog, TicketOutbox and TicketLinks.
 *
 * State saves are conditional on the version (`attribute_not_exists(pk)` for version 0, `version = :expected`
 * otherwise), so of two saves from one version exactly one lands — the repair lease is part of the state, so two
 * repairs of one target never run at once; the loser gets StateConflictError. Tickets saved with a state go in the
 * same TransactWriteItems. Open problems come from the sparse gsi1, the state list from gsi2: both are eventually
 * consistent (a save may show there a moment later); load() is strongly consistent.
 */
export class DynamoStore implements StateStore, AuditLog, TicketOutbox, TicketLinks {
  readonly tableName: string;
  readonly #table: DynamoTable;
  readonly #outbox: DynamoTicketOutbox;
  readonly #auditRetentionDays: number;
  readonly #now: () => Date;

  constructor(options: DynamoStoreOptions) {
    this.#table = new DynamoTable(options.tableName, options.client);
    this.tableName = options.tableName;
    this.#auditRetentionDays = positive(options.auditRetentionDays ?? 90, 'auditRetentionDays');
    this.#outbox = new DynamoTicketOutbox(
      this.#table,
      positive(options.deliveredRetentionDays ?? 30, 'deliveredRetentionDays'),
    );
    this.#now = options.now ?? (() => new Date());
  }

  // --- StateStore ---

  async load(key: CheckKey): Promise<CheckState | undefined> {
    return this.#table.call('load state', async () => {
      const out = await this.#table.doc.send(
        new GetCommand({ TableName: this.tableName, Key: stateKey(key), ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : itemToState(out.Item);
    });
  }

  /** Saves the state and queues `tickets` in one transaction: both land, or neither. */
  async save(
    state: CheckState,
    expectedVersion: number,
    tickets: readonly QueuedTicket[] = [],
  ): Promise<CheckState> {
    return this.#table.call('save state', async () => {
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
        throw new DynamoStoreError(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
      }
      const what = `check state ${describeKey(state.key)}`;
      const version = expectedVersion + 1;
      const item = stateToItem(state, version);
      guardItemSize(item, what);
      const put = {
        TableName: this.tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      };
      const conflict = (error: unknown) =>
        new StateConflictError(
          `${what} was not saved: ${expectedVersion === 0 ? 'it already exists' : `it is no longer at version ${expectedVersion}`}`,
          { cause: error },
        );
      if (tickets.length === 0) {
        try {
          await this.#table.doc.send(new PutCommand(put));
        } catch (error) {
          if (isConditionFailed(error) || isTransactionConflict(error)) throw conflict(error);
          throw error;
        }
      } else {
        const first = await this.#table.takeSeq(tickets.length);
        const writes: TransactItem[] = [
          { Put: put },
          ...ticketWrites(this.tableName, tickets, first, dateMs(this.#now(), 'now')),
        ];
        if (writes.length > TRANSACTION_MAX_ITEMS) {
          throw new DynamoStoreError(
            `${what}: ${tickets.length} ticket actions do not fit one transaction (${TRANSACTION_MAX_ITEMS} items)`,
          );
        }
        try {
          await queueTransaction(this.#table, writes, 1, tickets);
        } catch (error) {
          const codes = cancellationCodes(error);
          if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict')) {
            throw conflict(error);
          }
          throw error;
        }
      }
      return { ...state, version };
    });
  }

  /** Every state, ordered by package, check and target (keys from gsi2, items read consistently). */
  async listStates(): Promise<CheckState[]> {
    return this.#table.call('list states', async () => {
      const keys = await this.#table.queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': STATE_LIST_PK },
      });
      const items = await this.#table.getMany(keys.map((k) => ({ pk: String(k.pk), sk: String(k.sk) })));
      return items.map(itemToState).sort((a, b) => compareKeys(a.key, b.key));
    });
  }

  /** Open problems, ordered by the time they opened (gsi1). */
  async openProblems(): Promise<Array<{ key: CheckKey; problem: Problem }>> {
    return this.#table.call('list open problems', async () => {
      const items = await this.#table.queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': PROBLEM_PK },
      });
      // gsi1 sorts ties by the escaped key; the port orders them by the names themselves.
      return items
        .map((item) => {
          const key = itemToKey(item);
          return { key, problem: itemToProblem(item.problem, `check state ${describeKey(key)} problem`) };
        })
        .sort((a, b) => compareText(a.problem.openedAt, b.problem.openedAt) || compareKeys(a.key, b.key));
    });
  }

  // --- AuditLog ---

  /** Every event is checked before any is written; then written in batches of 25 (append-only: new keys only). */
  async append(events: readonly AuditEvent[]): Promise<void> {
    await this.#table.call('append audit events', async () => {
      const items = events.map((event) => {
        const item = auditToItem(event, this.#auditRetentionDays);
        guardItemSize(item, `audit event ${event.type}`);
        return item;
      });
      await this.#table.putMany(items);
    });
  }

  /**
   * Oldest first; with `limit`, the most recent `limit` events (still oldest first). Reads the day partitions from
   * `since` (default: the retention) to tomorrow (clock skew), filtering package and check.
   */
  async queryAudit(query: AuditQuery): Promise<AuditEvent[]> {
    return this.#table.call('query audit events', async () => {
      const limit = query.limit;
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
        throw new DynamoStoreError(`audit query limit must be a non-negative integer, got ${limit}`);
      }
      if (limit === 0) return [];
      const nowMs = dateMs(this.#now(), 'now');
      const fromMs =
        query.since === undefined
          ? nowMs - this.#auditRetentionDays * AUDIT_DAY_MS
          : dateMs(query.since, 'audit query since');
      const days = auditDays(fromMs, Math.max(nowMs, fromMs));
      const since = new Date(fromMs).toISOString();
      const input = (day: string, forward: boolean) => ({
        ...auditFilter(query),
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: {
          ...auditFilter(query).ExpressionAttributeValues,
          ':pk': auditPk(day),
          ':since': since,
        },
        ScanIndexForward: forward,
        ConsistentRead: true,
      });
      if (limit === undefined) {
        const perDay: Item[][] = [];
        for (let i = 0; i < days.length; i += AUDIT_QUERY_CONCURRENCY) {
          const batch = days.slice(i, i + AUDIT_QUERY_CONCURRENCY);
          perDay.push(...(await Promise.all(batch.map((day) => this.#table.queryAll(input(day, true))))));
        }
        return perDay.flat().map(itemToAudit);
      }
      const newest: Item[] = [];
      for (const day of [...days].reverse()) {
        const left = limit - newest.length;
        newest.push(
          ...(await this.#table.queryAll(input(day, false), (items) => items.length >= left)).slice(0, left),
        );
        if (newest.length >= limit) break;
      }
      return newest.reverse().map(itemToAudit);
    });
  }

  // --- TicketOutbox and TicketLinks (DynamoTicketOutbox on the same table) ---

  enqueue(tickets: readonly QueuedTicket[], at: Date): Promise<void> {
    return this.#outbox.enqueue(tickets, at);
  }

  claimDue(route: string, now: Date, limit: number, options: ClaimOptions): Promise<TicketRecord[]> {
    return this.#outbox.claimDue(route, now, limit, options);
  }

  markDelivered(id: string, at: Date, ref: string | null): Promise<void> {
    return this.#outbox.markDelivered(id, at, ref);
  }

  markFailed(
    id: string,
    error: string,
    outcome: { readonly retryAt: Date; readonly countAttempt: boolean } | { readonly dead: true },
    at: Date,
  ): Promise<void> {
    return this.#outbox.markFailed(id, error, outcome, at);
  }

  release(ids: readonly string[]): Promise<void> {
    return this.#outbox.release(ids);
  }

  list(query: TicketListQuery): Promise<TicketRecord[]> {
    return this.#outbox.list(query);
  }

  retryDead(ids: readonly string[] | undefined, now: Date): Promise<number> {
    return this.#outbox.retryDead(ids, now);
  }

  counts(): Promise<Readonly<Record<TicketState, number>>> {
    return this.#outbox.counts();
  }

  attemptsSince(route: string, since: Date): Promise<Date[]> {
    return this.#outbox.attemptsSince(route, since);
  }

  getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.#outbox.getLink(route, dedupKey);
  }

  setLink(route: string, dedupKey: string, ref: string | null, at: Date): Promise<void> {
    return this.#outbox.setLink(route, dedupKey, ref, at);
  }

  /** Releases the SDK client if the store built it (a client passed in stays open). */
  close(): void {
    this.#table.close();
  }
}

function auditFilter(query: AuditQuery): {
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, string>;
} {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  if (query.package !== undefined) {
    clauses.push('#package = :package');
    names['#package'] = 'package';
    values[':package'] = query.package;
  }
  if (query.check !== undefined) {
    clauses.push('#check = :check');
    names['#check'] = 'check';
    values[':check'] = query.check;
  }
  if (clauses.length === 0) return { ExpressionAttributeValues: values };
  return {
    FilterExpression: clauses.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function isTransactionConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionConflictException';
}

/** Code point order (as UTF-8 bytes compare, and as SQLite and DynamoDB's own keys sort), not UTF-16's. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareKeys(a: CheckKey, b: CheckKey): number {
  for (const field of ['package', 'check', 'target'] as const) {
    const order = compareText(a[field], b[field]);
    if (order !== 0) return order;
  }
  return 0;
}

function positive(days: number, name: string): number {
  if (!Number.isFinite(days) || days <= 0)
    throw new DynamoStoreError(`DynamoStore: ${name} must be positive, got ${days}`);
  return days;
}
