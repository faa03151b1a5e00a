import {
  type AuditEvent,
  type AuditLog,
  type AuditQuery,
  type CheckKey,
  type CheckState,
  type MetricPoint,
  type MetricsQuery,
  type MetricsReader,
  type MetricsSink,
  type Problem,
  type QueuedTicket,
  StateConflictError,
  type StateStore,
} from '@healops/core';
import type { Database, Statement } from 'better-sqlite3';
import {
  type AuditEventRow,
  auditEventToRow,
  rowToAuditEvent,
  type StoredAuditEventRow,
} from './audit-row.js';
import { dateToEpochMs, wrapError } from './columns.js';
import { SqliteStoreError } from './errors.js';
import { type MetricPointRow, metricPointToRow, rowToMetricPoint } from './metric-row.js';
import {
  AUDIT_COLUMNS,
  auditQuerySql,
  type BuiltQuery,
  METRIC_COLUMNS,
  metricsQuerySql,
  type QueryParams,
} from './query-sql.js';
import { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';
import { SqliteTicketOutbox } from './sqlite-ticket-outbox.js';
import {
  CHECK_STATE_COLUMNS,
  type CheckStateRow,
  describeKey,
  parseProblem,
  rowToKey,
  rowToState,
  stateToRow,
} from './state-row.js';
import { INSERT_TICKET_SQL, type TicketInsertParams, ticketToRow } from './ticket-row.js';

interface KeyParams {
  readonly package: string;
  readonly check_name: string;
  readonly target: string;
}

interface ProblemRow extends KeyParams {
  readonly problem: string;
}

type UpdateParams = CheckStateRow & { readonly expected_version: number };

const STATE_PARAMS =
  '@package, @check_name, @target, @version, @last_status, @last_run_at, @consecutive_failures, ' +
  '@consecutive_unknowns, @history, @flapping, @repair_times, @failed_repair_streak, @problem, @repair_lease_until, ' +
  '@incident_repairs, @repair_lease_owner';

/**
 * HealOps state, audit trail and metrics in one SQLite file. Implements the core ports StateStore, AuditLog,
 * MetricsSink ('sqlite') and MetricsReader. Writes are synchronous and durable (WAL), so flush() has nothing to do.
 * Create it with openSqliteStore(); it owns the connection and close() releases it.
 */
export class SqliteStore implements StateStore, AuditLog, MetricsSink, MetricsReader {
  readonly name = 'sqlite';
  readonly path: string;
  readonly #db: Database;
  readonly #loadState: Statement<[KeyParams], CheckStateRow>;
  readonly #insertState: Statement<[CheckStateRow]>;
  readonly #updateState: Statement<[UpdateParams]>;
  readonly #listStates: Statement<[], CheckStateRow>;
  readonly #openProblems: Statement<[], ProblemRow>;
  readonly #insertAudit: Statement<[AuditEventRow]>;
  readonly #insertMetric: Statement<[MetricPointRow]>;
  readonly #pruneMetrics: Statement<[{ readonly before: number }]>;
  readonly #auditQueries = new Map<string, Statement<[QueryParams], StoredAuditEventRow>>();
  readonly #metricQueries = new Map<string, Statement<[QueryParams], MetricPointRow>>();
  readonly #appendAudit: (rows: readonly AuditEventRow[]) => void;
  readonly #writeMetrics: (rows: readonly MetricPointRow[]) => void;
  readonly #saveState: (
    row: CheckStateRow,
    expectedVersion: number,
    tickets: readonly TicketInsertParams[],
    what: string,
  ) => void;

  /** `db` must already be configured and migrated (openSqliteStore does both). */
  constructor(db: Database) {
    this.#db = db;
    this.path = db.name;
    this.#loadState = db.prepare(
      `SELECT ${CHECK_STATE_COLUMNS} FROM check_state
       WHERE package = @package AND check_name = @check_name AND target = @target`,
    );
    this.#insertState = db.prepare(
      `INSERT INTO check_state (${CHECK_STATE_COLUMNS}) VALUES (${STATE_PARAMS})
       ON CONFLICT (package, check_name, target) DO NOTHING`,
    );
    this.#updateState = db.prepare(
      `UPDATE check_state SET version = @version, last_status = @last_status, last_run_at = @last_run_at,
         consecutive_failures = @consecutive_failures, consecutive_unknowns = @consecutive_unknowns,
         history = @history, flapping = @flapping, repair_times = @repair_times,
         failed_repair_streak = @failed_repair_streak, problem = @problem,
         repair_lease_until = @repair_lease_until, incident_repairs = @incident_repairs,
         repair_lease_owner = @repair_lease_owner
       WHERE package = @package AND check_name = @check_name AND target = @target
         AND version = @expected_version`,
    );
    this.#listStates = db.prepare(
      `SELECT ${CHECK_STATE_COLUMNS} FROM check_state ORDER BY package, check_name, target`,
    );
    this.#openProblems = db.prepare(
      `SELECT package, check_name, target, problem FROM check_state WHERE problem IS NOT NULL
       ORDER BY problem ->> '$.openedAt', package, check_name, target`,
    );
    this.#insertAudit = db.prepare(
      `INSERT INTO audit_event (${AUDIT_COLUMNS})
       VALUES (@time, @type, @package, @check_name, @target, @status, @message, @detail)`,
    );
    this.#insertMetric = db.prepare(
      `INSERT OR IGNORE INTO metric_point (${METRIC_COLUMNS})
       VALUES (@time, @name, @value, @unit, @dimensions, @package, @check_name)`,
    );
    this.#pruneMetrics = db.prepare('DELETE FROM metric_point WHERE time < @before');
    this.#appendAudit = db.transaction((rows: readonly AuditEventRow[]) => {
      for (const row of rows) {
        this.#insertAudit.run(row);
      }
    });
    const insertTicket = db.prepare(INSERT_TICKET_SQL);
    this.#saveState = db.transaction(
      (row: CheckStateRow, expectedVersion: number, tickets: readonly TicketInsertParams[], what: string) => {
        const result =
          expectedVersion === 0
            ? this.#insertState.run(row)
            : this.#updateState.run({ ...row, expected_version: expectedVersion });
        if (result.changes === 0) {
          const conflict =
            expectedVersion === 0 ? 'it already exists' : `it is no longer at version ${expectedVersion}`;
          throw new StateConflictError(`check state ${what} was not saved: ${conflict}`);
        }
        for (const ticket of tickets) insertTicket.run(ticket);
      },
    );
    this.#writeMetrics = db.transaction((rows: readonly MetricPointRow[]) => {
      for (const row of rows) {
        this.#insertMetric.run(row);
      }
    });
  }

  // --- StateStore ---

  async load(key: CheckKey): Promise<CheckState | undefined> {
    return this.#guard('load state', () => {
      const row = this.#loadState.get({ package: key.package, check_name: key.check, target: key.target });
      return row === undefined ? undefined : rowToState(row);
    });
  }

  /** Saves the state and queues `tickets` in one transaction: both land, or neither. */
  async save(
    state: CheckState,
    expectedVersion: number,
    tickets: readonly QueuedTicket[] = [],
  ): Promise<CheckState> {
    return this.#guard('save state', () => {
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
        throw new SqliteStoreError(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
      }
      for (const part of ['package', 'check', 'target'] as const) {
        if (state.key[part] === '')
          throw new SqliteStoreError(`check state ${describeKey(state.key)}: the ${part} name is empty`);
      }
      const version = expectedVersion + 1;
      const row = stateToRow(state, version);
      const ticketRows = tickets.map((t) => ticketToRow(t, Date.now()));
      this.#saveState(row, expectedVersion, ticketRows, describeKey(state.key));
      return { ...state, version };
    });
  }

  async listStates(): Promise<CheckState[]> {
    return this.#guard('list states', () => this.#listStates.all().map(rowToState));
  }

  async openProblems(): Promise<Array<{ key: CheckKey; problem: Problem }>> {
    return this.#guard('list open problems', () =>
      this.#openProblems.all().map((row) => {
        const key = rowToKey(row);
        return { key, problem: parseProblem(row.problem, `check state ${describeKey(key)} problem`) };
      }),
    );
  }

  // --- AuditLog ---

  async append(events: readonly AuditEvent[]): Promise<void> {
    this.#guard('append audit events', () => {
      const rows = events.map(auditEventToRow);
      if (rows.length > 0) {
        this.#appendAudit(rows);
      }
    });
  }

  /** Oldest first; with `limit`, the most recent `limit` events (still oldest first). */
  async queryAudit(query: AuditQuery): Promise<AuditEvent[]> {
    return this.#guard('query audit events', () =>
      this.#run(this.#auditQueries, auditQuerySql(query)).map(rowToAuditEvent),
    );
  }

  // --- MetricsSink ---

  /** Inserts all points in one transaction; a point already stored (same time, name, dimensions) is skipped. */
  async write(points: readonly MetricPoint[]): Promise<void> {
    this.#guard('write metric points', () => {
      const rows = points.map(metricPointToRow);
      if (rows.length > 0) {
        this.#writeMetrics(rows);
      }
    });
  }

  async flush(): Promise<void> {}

  // --- MetricsReader ---

  /** Oldest first, ISO times; with `limit`, the most recent `limit` points (still oldest first). */
  async queryMetrics(query: MetricsQuery): Promise<MetricPoint[]> {
    return this.#guard('query metric points', () =>
      this.#run(this.#metricQueries, metricsQuerySql(query)).map(rowToMetricPoint),
    );
  }

  // --- Retention ---

  /** Deletes metric points older than `olderThan` (audit events are kept); returns how many were deleted. */
  async prune(olderThan: Date): Promise<number> {
    return this.#guard('prune metric points', () => {
      const before = dateToEpochMs(olderThan, 'prune olderThan');
      return this.#pruneMetrics.run({ before }).changes;
    });
  }

  // --- Metrics outbox ---

  /** The MetricsOutbox on this store's connection (metric_outbox table). Build it once and keep it. */
  outbox(options: SqliteOutboxOptions = {}): SqliteOutbox {
    return this.#guard('open the metric outbox', () => new SqliteOutbox(this.#db, options));
  }

  // --- Ticket outbox ---

  /** The TicketOutbox and TicketLinks on this store's connection. Build it once and keep it. */
  ticketOutbox(): SqliteTicketOutbox {
    return this.#guard('open the ticket outbox', () => new SqliteTicketOutbox(this.#db));
  }

  close(): void {
    if (this.#db.open) {
      this.#db.close();
    }
  }

  /** Filtered queries are prepared once per filter combination and reused. */
  #run<Row>(cache: Map<string, Statement<[QueryParams], Row>>, built: BuiltQuery): Row[] {
    let statement = cache.get(built.cacheKey);
    if (statement === undefined) {
      statement = this.#db.prepare<[QueryParams], Row>(built.sql);
      cache.set(built.cacheKey, statement);
    }
    return statement.all(built.params);
  }

  #guard<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapError(operation, error);
    }
  }
}
