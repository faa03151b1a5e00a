/**
 * Ports: the interfaces the pure core owns. Adapters (local process, SQLite, SSM, DynamoDB, Timestream...)
 * implement them; only the CLI and the Lambda handlers wire adapters to the core.
 */
import type { CheckKey } from './model/check.js';
import type { ExecResult, MetricPoint } from './model/results.js';
import type { AuditEvent, CheckState, Problem } from './model/state.js';
import type { QueuedTicket } from './tickets/ports.js';

export interface ExecRequest {
  /** Where to run; 'local' for this machine, an instance id for SSM. */
  readonly target: string;
  /**
   * Which job of which package this is: remote executors send the package's document with this job id instead
   * of argv (which only exists inside the package on the host).
   */
  readonly job: { readonly package: string; readonly id: string };
  readonly argv: readonly string[];
  readonly cwd?: string;
  /** Added to a minimal inherited environment (PATH, HOME, LANG...). */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin?: string;
  readonly timeoutMs: number;
  /** Cap for stdout and for stderr, each. */
  readonly maxOutputBytes: number;
}

export interface Executor {
  /** Never rejects for a failing process: failures are reported in ExecResult. */
  run(request: ExecRequest, signal?: AbortSignal): Promise<ExecResult>;
}

export interface StateStore {
  load(key: CheckKey): Promise<CheckState | undefined>;
  /**
   * Saves `state` when the stored version equals `expectedVersion` (0 = must not exist yet) and returns the
   * saved state with version expectedVersion + 1; throws StateConflictError otherwise. `tickets` are queued in
   * the ticket outbox in the same transaction: a problem is never opened or closed without its ticket action.
   */
  save(state: CheckState, expectedVersion: number, tickets?: readonly QueuedTicket[]): Promise<CheckState>;
  listStates(): Promise<CheckState[]>;
  openProblems(): Promise<Array<{ key: CheckKey; problem: Problem }>>;
}

export interface AuditQuery {
  readonly since?: Date;
  readonly package?: string;
  readonly check?: string;
  readonly limit?: number;
}

export interface AuditLog {
  /** Append-only. */
  append(events: readonly AuditEvent[]): Promise<void>;
  /** Oldest first; with `limit`, the most recent `limit` events (still oldest first). */
  queryAudit(query: AuditQuery): Promise<AuditEvent[]>;
}

export interface MetricsSink {
  /** Stable identifier for logs and sink-health metrics, e.g. 'sqlite'. */
  readonly name: string;
  write(points: readonly MetricPoint[]): Promise<void>;
  /** Delivers anything buffered; called at the end of a cycle. An aborted signal ends delivery early. */
  flush(signal?: AbortSignal): Promise<void>;
  /** Sinks that buffer report their backlog and losses (healops.sink.pending / healops.sink.dropped). */
  health?(): Promise<SinkHealth>;
}

export interface SinkHealth {
  /** Points waiting for delivery. */
  readonly pending: number;
  /** Points lost since the previous report (buffer full, or refused by the store). */
  readonly dropped: number;
}

export interface MetricsQuery {
  readonly since?: Date;
  readonly package?: string;
  readonly check?: string;
  readonly name?: string;
  readonly limit?: number;
}

export interface MetricsReader {
  /** Oldest first; with `limit`, the most recent `limit` points (still oldest first). */
  queryMetrics(query: MetricsQuery): Promise<MetricPoint[]>;
}

export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
