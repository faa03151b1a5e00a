import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckOutcome } from '../model/results.js';
import type { AuditEvent } from '../model/state.js';
import type { AuditLog, Clock, Executor, MetricsSink, StateStore } from '../ports.js';
import type { TicketRoute } from '../tickets/problem-ticket.js';
import type { TicketPipeline } from '../tickets/ticket-pipeline.js';

/** Progress hooks for a front end (CLI progress lines, Lambda logs). All optional; errors thrown here are ignored. */
export interface CycleObserver {
  onCheckStart?(check: ResolvedCheck, target: string): void;
  onOutcome?(outcome: CheckOutcome): void;
  onAudit?(event: AuditEvent): void;
  /** A port failed (sink down, store locked); the cycle went on. */
  onPortError?(port: string, error: unknown): void;
}

/** The adapters one engine instance runs with: the CLI wires local ones, the Lambdas AWS ones. */
export interface EngineDeps {
  readonly executor: Executor;
  readonly state: StateStore;
  readonly audit: AuditLog;
  readonly sinks: readonly MetricsSink[];
  readonly clock: Clock;
  readonly observer?: CycleObserver;
  /** Delivers queued ticket actions at the end of each cycle (absent: they wait in the outbox). */
  readonly tickets?: TicketPipeline;
}

export interface RunSettings {
  /** Detect and report what would be done; run no repair, change no state. */
  readonly dryRun: boolean;
  /** Per stream cap on captured output. */
  readonly maxOutputBytes: number;
  /** Extra environment for a (check, target): e.g. HEALOPS_STATE_DIR from the local wiring. */
  readonly scriptEnv?: (key: CheckKey) => Readonly<Record<string, string>>;
  /** Names this runner on repair leases (default 'healops'); e.g. `local:<host>:<pid>`. */
  readonly leaseOwner?: string;
  /** True when a lease owner is known to be gone (its process died), so its lease can be broken early. */
  readonly isLeaseOwnerGone?: (owner: string) => boolean;
  /** Where problems are ticketed (the config's `tickets:`); none = problems are only recorded. */
  readonly ticketRoutes?: readonly TicketRoute[];
}

export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024;
