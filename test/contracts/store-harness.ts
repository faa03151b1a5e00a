import {
  type AuditEvent,
  type AuditLog,
  type CheckKey,
  type CheckState,
  initialState,
  type QueuedTicket,
  type StateStore,
  type TicketAction,
  type TicketLinks,
  type TicketOutbox,
  type TicketRecord,
} from '@healops/core';
import { expect, it } from 'vitest';
import { makeTicketEvent } from '../../packages/core/test/support/tickets-fixtures.js';

// What the store contracts (state-store-contract, audit-log-contract, ticket-*-contract) are run against, and the
// fixtures they share. A store adapter's test file builds a StoreContractHarness and calls describeStoreContract.

/** One connection to a store, through the ports the core uses. */
export interface StoreHandles {
  readonly state: StateStore;
  readonly audit: AuditLog;
  readonly tickets: TicketOutbox & TicketLinks;
}

/** Any error class: the contract checks that a store reports bad input with its own error type. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Where a store is known to break the contract. A store declares its divergences; the contract test of each one
 * then pins that store's present behaviour (and says so in its title), so the divergence is visible in every run
 * and fixing the store fails the test until the declaration is removed.
 */
export const KNOWN_DIVERGENCES = {
  'probe-moves-retry-time':
    'markFailed with countAttempt false sets the retry time to the retryAt given instead of keeping it',
  'retry-dead-in-given-order':
    'retryDead(ids) takes the ids in the order given: a dead resolve named before its dead trigger supersedes it',
  'enqueue-in-chunks': 'enqueue is atomic per 40 actions only: the chunks before a refused one stay queued',
  'audit-time-window':
    'queryAudit reads only from the audit retention (or since) to one day after the store clock',
  'utf16-key-order': 'listStates orders names by UTF-16 code units, not by code points',
  'escaped-key-order': 'openProblems orders problems opened at the same time by their escaped keys',
  'lenient-empty-names': 'save accepts a key with an empty name and stores it',
} as const;
export type KnownDivergence = keyof typeof KNOWN_DIVERGENCES;

export interface StoreContractHarness {
  /** A fresh, empty store; the harness closes it after the test. */
  open(): Promise<StoreHandles>;
  /** Another connection to the data of `handles` (a second process, a second Lambda), closed after the test. */
  reopen(handles: StoreHandles): Promise<StoreHandles>;
  /**
   * Sets the store's own clock until the end of the test: the queueing time of tickets saved with a state and the
   * "now" of audit queries. Tests that do not call it run on the wall clock.
   */
  setClock(at: Date): void;
  /** What the store throws for bad arguments and for writes refused for reasons other than a version conflict. */
  readonly storeError: ErrorClass;
  /** The contract promises this store is known to break (KNOWN_DIVERGENCES); [] for none. */
  readonly divergences: readonly KnownDivergence[];
}

/** Whether the store declares `divergence`. */
function diverges(harness: StoreContractHarness, divergence: KnownDivergence): boolean {
  return harness.divergences.includes(divergence);
}

/**
 * A contract test of a promise a store is known to break: its title says so for a store that declares the
 * divergence, and `test` is told whether this store does (to pin its present behaviour instead of the contract's).
 */
export function itDiverging(
  harness: StoreContractHarness,
  divergence: KnownDivergence,
  title: string,
  test: (divergent: boolean) => Promise<void>,
): void {
  const divergent = diverges(harness, divergence);
  const marked = divergent
    ? `${title} [KNOWN DIVERGENCE ${divergence}: ${KNOWN_DIVERGENCES[divergence]}]`
    : title;
  it(marked, () => test(divergent));
}

export const KEY: CheckKey = { package: 'linux-base', check: 'disk-root', target: 'i-0abc' };

export const fresh = (key: CheckKey = KEY): CheckState => initialState(key);

/** A state with every field set to something other than its initial value. */
export const FULL_STATE: CheckState = {
  key: KEY,
  version: 0,
  lastStatus: 'critical',
  lastRunAt: '2025-03-04T05:06:07.890Z',
  consecutiveFailures: 4,
  consecutiveUnknowns: 1,
  history: [0, 0, 2, 3, 2, 2],
  flapping: true,
  repairTimes: ['2025-03-04T05:00:00.000Z', '2025-03-04T05:05:00.000Z'],
  failedRepairStreak: 2,
  problem: {
    dedupKey: 'healops:linux-base/disk-root@i-0abc:1741064767890',
    openedAt: '2025-03-04T05:06:07.890Z',
    severity: 'critical',
    reason: 'repair-failed',
    lastStatus: 'critical',
    lastOutput: "DISK CRITICAL - free space: / 1% | '/'=99%;80;90;0;100\nline two ✓",
    updatedAt: '2025-03-04T05:06:07.890Z',
    occurrences: 3,
  },
  incidentRepairs: 2,
  repairLeaseOwner: 'lambda:repair:abc',
  repairLeaseUntil: '2025-03-04T05:10:00.000Z',
};

/** The problem of FULL_STATE (never null). */
export function fullProblem(): NonNullable<CheckState['problem']> {
  const problem = FULL_STATE.problem;
  if (problem === null) throw new Error('FULL_STATE needs a problem');
  return problem;
}

/** Ticket times: the caller's clock of claimDue, markFailed and friends. */
export const T0 = new Date('2026-03-01T10:00:00.000Z');
export const at = (ms: number): Date => new Date(T0.getTime() + ms);
export const CLAIM = { claimMs: 60_000 } as const;

export function queued(
  id: string,
  action: TicketAction = 'trigger',
  dedupKey = 'healops/web/nginx-up/web-1',
  route = 'pd',
): QueuedTicket {
  return { id, route, event: makeTicketEvent({ action, dedupKey }) };
}

/** The record of `ticket` as enqueue (or save) leaves it, queued at `queuedAt`: what claimDue and list return. */
export function justQueued(ticket: QueuedTicket, queuedAt: Date): TicketRecord {
  return {
    ...ticket,
    seq: expect.any(Number),
    state: 'pending',
    attempts: 0,
    createdAt: queuedAt.toISOString(),
    nextAttemptAt: queuedAt.toISOString(),
    lastAttemptAt: null,
    deliveredAt: null,
    lastError: null,
    ref: null,
  };
}

export const ids = (records: ReadonlyArray<{ readonly id: string }>): string[] => records.map((r) => r.id);

/** Audit times: minute `n` of January `day`, 2025 (UTC). */
export function minutes(n: number, day = 1): string {
  return new Date(Date.UTC(2025, 0, day, 0, n)).toISOString();
}

/** The store clock for audit tests: a little after the audit times above. */
export const AUDIT_NOW = new Date('2025-01-03T12:00:00.000Z');

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: minutes(0),
    type: 'check-result',
    key: KEY,
    status: 'ok',
    message: 'DISK OK',
    ...overrides,
  };
}

/** What a promise rejected with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
