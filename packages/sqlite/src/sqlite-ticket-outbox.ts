import {
  type ClaimOptions,
  OUTBOX_MAX_RETRY_WAIT_MS,
  type QueuedTicket,
  TICKET_STATES,
  type TicketLinks,
  type TicketListQuery,
  type TicketOutbox,
  type TicketRecord,
  type TicketState,
} from '@healops/core';
import type { Database, Statement } from 'better-sqlite3';
import { dateToEpochMs, wrapError } from './columns.js';
import { SqliteStoreError } from './errors.js';
import {
  INSERT_TICKET_SQL,
  rowToTicket,
  TICKET_COLUMNS,
  type TicketInsertParams,
  type TicketRow,
  ticketToRow,
} from './ticket-row.js';

/** last_error is cut to this many characters. */
const MAX_ERROR_LENGTH = 2_000;

/**
 * The ticket outbox and ticket links on the store's connection (tables ticket_outbox, ticket_link). Claims are
 * taken in IMMEDIATE transactions, so two processes sharing the file never send the same action at once.
 */
export class SqliteTicketOutbox implements TicketOutbox, TicketLinks {
  readonly #db: Database;
  readonly #insert: Statement<[TicketInsertParams]>;
  readonly #due: Statement<[DueParams], TicketRow>;
  readonly #claim: Statement<[{ readonly id: string; readonly until: number }]>;
  readonly #delivered: Statement<[{ readonly id: string; readonly at: number; readonly ref: string | null }]>;
  readonly #dead: Statement<[OutcomeParams]>;
  readonly #retry: Statement<[OutcomeParams & { readonly next: number; readonly count: number }]>;
  readonly #release: Statement<[{ readonly id: string }]>;
  readonly #counts: Statement<[], { readonly state: string; readonly n: number }>;
  readonly #attemptsSince: Statement<
    [{ readonly route: string; readonly since: number }],
    { readonly at: number }
  >;
  readonly #getLink: Statement<[LinkKey], { readonly ref: string }>;
  readonly #setLink: Statement<[LinkKey & { readonly ref: string; readonly at: number }]>;
  readonly #deleteLink: Statement<[LinkKey]>;
  readonly #prune: Statement<[{ readonly before: number }]>;
  readonly #claimDue: (params: DueParams, until: number) => TicketRow[];
  readonly #enqueue: (rows: readonly TicketInsertParams[]) => void;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(INSERT_TICKET_SQL);
    // The oldest pending action of each problem on the route, unclaimed and due (or past any sane wait: the clock
    // went backwards), oldest first. Later actions of a problem wait behind it, so a resolve never overtakes.
    this.#due = db.prepare(
      `SELECT ${TICKET_COLUMNS} FROM ticket_outbox o
       WHERE o.route = @route AND o.state = 'pending'
         AND o.seq = (SELECT MIN(p.seq) FROM ticket_outbox p
                      WHERE p.route = o.route AND p.state = 'pending' AND p.dedup_key = o.dedup_key)
         AND (o.claimed_until <= @now OR o.claimed_until > @now + @max_wait)
         AND (@ignore_backoff = 1 OR o.next_attempt_at <= @now OR o.next_attempt_at > @now + @max_wait)
       ORDER BY o.seq LIMIT @limit`,
    );
    this.#claim = db.prepare('UPDATE ticket_outbox SET claimed_until = @until WHERE id = @id');
    this.#delivered = db.prepare(
      `UPDATE ticket_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = @at,
         last_attempt_at = @at, claimed_until = 0, ref = @ref WHERE id = @id`,
    );
    this.#dead = db.prepare(
      `UPDATE ticket_outbox SET state = 'dead', attempts = attempts + 1, last_attempt_at = @at,
         last_error = @error, claimed_until = 0 WHERE id = @id`,
    );
    this.#retry = db.prepare(
      `UPDATE ticket_outbox SET attempts = attempts + @count,
         next_attempt_at = CASE WHEN @count = 0 THEN next_attempt_at ELSE @next END, last_attempt_at = @at,
         last_error = @error, claimed_until = 0 WHERE id = @id AND state = 'pending'`,
    );
    this.#release = db.prepare(
      "UPDATE ticket_outbox SET claimed_until = 0 WHERE id = @id AND state = 'pending'",
    );
    this.#counts = db.prepare('SELECT state, COUNT(*) AS n FROM ticket_outbox GROUP BY state');
    this.#attemptsSince = db.prepare(
      `SELECT last_attempt_at AS at FROM ticket_outbox WHERE route = @route AND last_attempt_at >= @since
       ORDER BY last_attempt_at`,
    );
    this.#getLink = db.prepare('SELECT ref FROM ticket_link WHERE route = @route AND dedup_key = @dedup_key');
    this.#setLink = db.prepare(
      `INSERT INTO ticket_link (route, dedup_key, ref, updated_at) VALUES (@route, @dedup_key, @ref, @at)
       ON CONFLICT (route, dedup_key) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
    );
    this.#deleteLink = db.prepare('DELETE FROM ticket_link WHERE route = @route AND dedup_key = @dedup_key');
    this.#prune = db.prepare(
      "DELETE FROM ticket_outbox WHERE state = 'delivered' AND delivered_at < @before",
    );
    const claimDue = db.transaction((params: DueParams, until: number) => {
      const rows = this.#due.all(params);
      for (const row of rows) this.#claim.run({ id: row.id, until });
      return rows;
    });
    this.#claimDue = (params, until) => claimDue.immediate(params, until);
    this.#enqueue = db.transaction((rows: readonly TicketInsertParams[]) => {
      for (const row of rows) this.#insert.run(row);
    });
  }

  async enqueue(tickets: readonly QueuedTicket[], at: Date): Promise<void> {
    this.#guard('queue ticket actions', () => {
      const ms = dateToEpochMs(at, 'enqueue at');
      this.#enqueue(tickets.map((t) => ticketToRow(t, ms)));
    });
  }

  async claimDue(route: string, now: Date, limit: number, options: ClaimOptions): Promise<TicketRecord[]> {
    return this.#guard('claim due ticket actions', () => {
      const ms = dateToEpochMs(now, 'claimDue now');
      const params: DueParams = {
        route,
        now: ms,
        max_wait: OUTBOX_MAX_RETRY_WAIT_MS,
        ignore_backoff: options.ignoreBackoff ? 1 : 0,
        limit: Math.max(0, Math.floor(limit)),
      };
      return this.#claimDue(params, ms + Math.max(0, options.claimMs)).map(rowToTicket);
    });
  }

  async markDelivered(id: string, at: Date, ref: string | null): Promise<void> {
    this.#guard('mark a ticket action delivered', () => {
      this.#expectOne(this.#delivered.run({ id, at: dateToEpochMs(at, 'delivered at'), ref }), id);
    });
  }

  async markFailed(
    id: string,
    error: string,
    outcome: { readonly retryAt: Date; readonly countAttempt: boolean } | { readonly dead: true },
    at: Date,
  ): Promise<void> {
    this.#guard('record a failed ticket delivery', () => {
      const base = { id, at: dateToEpochMs(at, 'failed at'), error: error.slice(0, MAX_ERROR_LENGTH) };
      const result =
        'dead' in outcome
          ? this.#dead.run(base)
          : this.#retry.run({
              ...base,
              next: dateToEpochMs(outcome.retryAt, 'retry at'),
              count: outcome.countAttempt ? 1 : 0,
            });
      this.#expectOne(result, id);
    });
  }

  async release(ids: readonly string[]): Promise<void> {
    this.#guard('release ticket claims', () => {
      for (const id of ids) this.#release.run({ id });
    });
  }

  async list(query: TicketListQuery): Promise<TicketRecord[]> {
    return this.#guard('list ticket actions', () => {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      if (query.states && query.states.length > 0) {
        const names = query.states.map((state, i) => {
          params[`state${i}`] = state;
          return `@state${i}`;
        });
        where.push(`state IN (${names.join(', ')})`);
      }
      if (query.route !== undefined) {
        where.push('route = @route');
        params.route = query.route;
      }
      if (query.dedupKey !== undefined) {
        where.push('dedup_key = @dedup_key');
        params.dedup_key = query.dedupKey;
      }
      const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      let sql = `SELECT ${TICKET_COLUMNS} FROM ticket_outbox ${filter} ORDER BY seq`;
      if (query.limit !== undefined) {
        params.limit = Math.max(0, Math.floor(query.limit));
        sql = `SELECT * FROM (SELECT ${TICKET_COLUMNS} FROM ticket_outbox ${filter} ORDER BY seq DESC LIMIT @limit)
          ORDER BY seq`;
      }
      return this.#db.prepare<[Record<string, string | number>], TicketRow>(sql).all(params).map(rowToTicket);
    });
  }

  async retryDead(ids: readonly string[] | undefined, now: Date): Promise<number> {
    return this.#guard('re-queue dead ticket actions', () => {
      const ms = dateToEpochMs(now, 'retry now');
      // A dead action with a later live one for its problem (say, a trigger whose resolve went out) is superseded:
      // sending it now would reopen what is over.
      const update = `UPDATE ticket_outbox SET state = 'pending', attempts = 0, next_attempt_at = @now,
        claimed_until = 0 WHERE state = 'dead' AND NOT EXISTS (SELECT 1 FROM ticket_outbox l
          WHERE l.route = ticket_outbox.route AND l.dedup_key = ticket_outbox.dedup_key
            AND l.seq > ticket_outbox.seq AND l.state != 'dead')`;
      if (ids === undefined) return this.#db.prepare(update).run({ now: ms }).changes;
      const run = this.#db.transaction(() => {
        const one = this.#db.prepare(`${update} AND id = @id`);
        const seqOf = this.#db.prepare<{ id: string }, { seq: number }>(
          'SELECT seq FROM ticket_outbox WHERE id = @id',
        );
        // Oldest first, whatever order the ids came in: a dead trigger goes back before its dead resolve, which
        // then is no longer a later live action superseding it.
        const ordered = [...new Set(ids)]
          .map((id) => ({ id, seq: seqOf.get({ id })?.seq }))
          .filter((row): row is { id: string; seq: number } => row.seq !== undefined)
          .sort((a, b) => a.seq - b.seq);
        return ordered.reduce((n, row) => n + one.run({ now: ms, id: row.id }).changes, 0);
      });
      return run.immediate();
    });
  }

  async counts(): Promise<Readonly<Record<TicketState, number>>> {
    return this.#guard('count ticket actions', () => {
      const counts: Record<TicketState, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const row of this.#counts.all()) {
        const state = TICKET_STATES.find((s) => s === row.state);
        if (state !== undefined) counts[state] = row.n;
      }
      return counts;
    });
  }

  async attemptsSince(route: string, since: Date): Promise<Date[]> {
    return this.#guard('read recent ticket sends', () =>
      this.#attemptsSince.all({ route, since: dateToEpochMs(since, 'since') }).map((r) => new Date(r.at)),
    );
  }

  /** Deletes delivered actions delivered before `before` (pending and dead ones stay); returns how many. */
  async prune(before: Date): Promise<number> {
    return this.#guard('prune delivered ticket actions', () => {
      return this.#prune.run({ before: dateToEpochMs(before, 'prune before') }).changes;
    });
  }

  // --- TicketLinks ---

  async getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.#guard('read a ticket link', () => this.#getLink.get({ route, dedup_key: dedupKey })?.ref);
  }

  async setLink(route: string, dedupKey: string, ref: string | null, at: Date): Promise<void> {
    this.#guard('write a ticket link', () => {
      if (ref === null) this.#deleteLink.run({ route, dedup_key: dedupKey });
      else this.#setLink.run({ route, dedup_key: dedupKey, ref, at: dateToEpochMs(at, 'link at') });
    });
  }

  #expectOne(result: { readonly changes: number }, id: string): void {
    if (result.changes === 0)
      throw new SqliteStoreError(`ticket action ${id} is not in the outbox (or not pending)`);
  }

  #guard<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapError(operation, error);
    }
  }
}

interface DueParams {
  readonly route: string;
  readonly now: number;
  readonly max_wait: number;
  readonly ignore_backoff: number;
  readonly limit: number;
}

interface OutcomeParams {
  readonly id: string;
  readonly at: number;
  readonly error: string;
}

interface LinkKey {
  readonly route: string;
  readonly dedup_key: string;
}
