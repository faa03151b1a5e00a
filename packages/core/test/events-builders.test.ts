import { describe, expect, it } from 'vitest';
import { problemDedupKey } from '../src/engine/lifecycle.js';
import { checkFailedEvent } from '../src/events/check-failed.js';
import { HEALOPS_DETAIL_TYPES } from '../src/events/detail-types.js';
import { HealOpsEventError } from '../src/events/errors.js';
import { escalatedEvent } from '../src/events/escalated.js';
import { EVENT_LIMITS } from '../src/events/limits.js';
import { recoveredEvent } from '../src/events/recovered.js';
import { repairFinishedEvent } from '../src/events/repair-finished.js';
import type { RepairAttempt } from '../src/model/results.js';
import { problemTicket } from '../src/tickets/problem-ticket.js';
import {
  DISK_CHECK,
  EVENT_AT,
  eventKey,
  failingRun,
  failingState,
  openProblem,
  passingRun,
  repairAttempt,
} from './support/event-fixtures.js';
import { makeRun } from './support/fixtures.js';

function thrown(fn: () => unknown): HealOpsEventError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HealOpsEventError);
    return error as HealOpsEventError;
  }
  throw new Error('expected a HealOpsEventError');
}

const KEY = eventKey(3);
const DEDUP = 'healops/linux-base/disk-root/i-0abc003';

describe('checkFailedEvent', () => {
  const base = {
    check: DISK_CHECK,
    run: failingRun(KEY),
    state: failingState(KEY),
    at: EVENT_AT,
    correlationId: 'corr-1',
  };

  it('carries what the repair function needs from the run, the state and the check', () => {
    const event = checkFailedEvent({
      ...base,
      repairDocument: 'HealOps-linux-base',
      failureStartedAt: '2026-03-01T09:50:00.000Z',
    });
    expect(event.detailType).toBe('HealOps Check Failed');
    const { detail } = event;
    expect(detail).toMatchObject({
      version: 1,
      time: '2026-03-01T10:00:00.000Z',
      correlationId: 'corr-1',
      dedupKey: DEDUP,
      idempotencyKey: `${DEDUP}#2026-03-01T09:50:00.000Z`,
      package: 'linux-base',
      check: 'disk-root',
      target: 'i-0abc003',
      environment: 'prod',
      severity: 'critical',
      packageVersion: '2.3.1',
      platform: 'linux',
      status: 'critical',
      exitCode: 2,
      summary: 'DISK CRITICAL - free space: / 310 MB (3% inode=71%);',
      runAt: '2026-03-01T09:59:55.000Z',
      durationMs: 412,
      consecutiveFailures: 3,
      failAfter: 3,
      stateVersion: 7,
      flapping: false,
      reportOnly: false,
      dependsOn: ['host-up'],
      maintenance: [{ cron: '0 2 * * 0', durationMs: 3_600_000, timezone: 'Europe/Berlin' }],
      runbook: 'https://runbooks.example.com/linux-base/disk-root',
      repair: {
        document: 'HealOps-linux-base',
        command: 'repairs/rotate-logs.sh ${params.token}',
        maxAttempts: 2,
        attemptsUsed: 1,
        verifyAfterMs: 5_000,
        timeoutMs: 120_000,
        budget: { max: 3, perMs: 86_400_000, backoffMs: 600_000 },
      },
    });
    expect(detail.output).toContain('/var/log/nginx is 6.1 GB');
    expect(detail.outputTruncated).toBe(false);
    expect(detail.perfdata).toEqual([
      { label: '/', value: 9830, uom: 'MB', warn: '8192', crit: '9216', min: 0, max: 10240 },
      { label: 'inodes', value: 71, uom: '%', min: 0, max: 100 },
    ]);
  });

  it('keys a failure by its state version when its start is not known', () => {
    expect(checkFailedEvent(base).detail.idempotencyKey).toBe(`${DEDUP}#v7`);
  });

  it('gives the same idempotency key to every event of one failure, and another to the next failure', () => {
    const start = '2026-03-01T09:50:00.000Z';
    const first = checkFailedEvent({ ...base, failureStartedAt: start });
    const later = checkFailedEvent({
      ...base,
      state: failingState(KEY, { version: 9, consecutiveFailures: 5 }),
      at: new Date(EVENT_AT.getTime() + 60_000),
      failureStartedAt: start,
    });
    const next = checkFailedEvent({ ...base, failureStartedAt: '2026-03-01T11:00:00.000Z' });
    expect(later.detail.idempotencyKey).toBe(first.detail.idempotencyKey);
    expect(next.detail.idempotencyKey).not.toBe(first.detail.idempotencyKey);
  });

  it('never carries parameter values of the repair command, only its display form', () => {
    const text = JSON.stringify(checkFailedEvent(base).detail);
    expect(text).not.toContain('secret-value');
    expect(text).toContain('${params.token}');
  });

  it('says null for a check without a repair (the repair function escalates it)', () => {
    const { repair: _unused, ...withoutRepair } = DISK_CHECK;
    expect(checkFailedEvent({ ...base, check: withoutRepair }).detail.repair).toBeNull();
  });

  it('treats a WARNING as a failure too (failOn: warning) but refuses OK and UNKNOWN runs', () => {
    expect(checkFailedEvent({ ...base, run: makeRun('warning', EVENT_AT, KEY) }).detail.status).toBe(
      'warning',
    );
    for (const status of ['ok', 'unknown'] as const) {
      const error = thrown(() => checkFailedEvent({ ...base, run: makeRun(status, EVENT_AT, KEY) }));
      expect(error.message).toBe(
        `HealOps Check Failed: detail.status: invalid value "${status}" (expected "warning" or "critical")`,
      );
    }
  });

  it('cuts the output to an excerpt and says so', () => {
    const output = `DISK CRITICAL - full\n${'x'.repeat(100_000)}`;
    const { detail } = checkFailedEvent({ ...base, run: failingRun(KEY, output) });
    expect(detail.output).toHaveLength(EVENT_LIMITS.outputExcerpt);
    expect(detail.output.startsWith('DISK CRITICAL - full\nxxx')).toBe(true);
    expect(detail.output.endsWith('…')).toBe(true);
    expect(detail.outputTruncated).toBe(true);
  });

  it('keeps the first perfdata items and leaves infinite bounds out', () => {
    const items = Array.from({ length: 50 }, (_, i) => `'m${i}'=${i};~:5;@10:20`).join(' ');
    const { detail } = checkFailedEvent({ ...base, run: failingRun(KEY, `CRITICAL - many | ${items}\n`) });
    expect(detail.perfdata).toHaveLength(EVENT_LIMITS.perfdata);
    expect(detail.perfdata[0]).toEqual({ label: 'm0', value: 0, uom: '', warn: '~:5', crit: '@10:20' });
    expect(detail.perfdata.at(-1)?.label).toBe(`m${EVENT_LIMITS.perfdata - 1}`);
  });

  it('refuses names longer than events carry, naming the field', () => {
    const key = { ...KEY, target: 't'.repeat(EVENT_LIMITS.identifier + 1) };
    const error = thrown(() => checkFailedEvent({ ...base, run: failingRun(key), state: failingState(key) }));
    expect(error.message).toContain(
      `HealOps Check Failed: detail.target: too long: ${EVENT_LIMITS.identifier + 1} characters (at most ${EVENT_LIMITS.identifier})`,
    );
  });
});

describe('repairFinishedEvent', () => {
  const base = {
    key: KEY,
    check: DISK_CHECK,
    at: EVENT_AT,
    correlationId: 'corr-2',
    idempotencyKey: `${DEDUP}#v7`,
  };

  it('reports a repair that fixed the check as Repair Succeeded with the attempt', () => {
    const event = repairFinishedEvent({ ...base, attempt: repairAttempt(), commandId: 'cmd-1' });
    expect(event.detailType).toBe(HEALOPS_DETAIL_TYPES.repairSucceeded);
    expect(event.detail).toEqual({
      version: 1,
      time: '2026-03-01T10:00:00.000Z',
      correlationId: 'corr-2',
      dedupKey: DEDUP,
      package: 'linux-base',
      check: 'disk-root',
      target: 'i-0abc003',
      environment: 'prod',
      severity: 'critical',
      idempotencyKey: `${DEDUP}#v7`,
      packageVersion: '2.3.1',
      attempt: {
        number: 1,
        startedAt: '2026-03-01T09:59:00.000Z',
        exitCode: 0,
        timedOut: false,
        durationMs: 2_300,
        output: 'rotated /var/log/nginx/*.log, freed 5.8 GB\n',
        outputTruncated: false,
        verifyStatus: 'ok',
      },
      maxAttempts: 2,
      commandId: 'cmd-1',
    });
  });

  it.each<{ name: string; attempt: Partial<RepairAttempt>; failure: string; attemptsLeft: number }>([
    {
      name: 'timed out',
      attempt: { attempt: 1, exitCode: null, timedOut: true, verifyStatus: null },
      failure: 'timed-out',
      attemptsLeft: 1,
    },
    {
      name: 'exited non-zero',
      attempt: { attempt: 2, exitCode: 3, verifyStatus: null },
      failure: 'exit-code',
      attemptsLeft: 0,
    },
    {
      name: 'was killed',
      attempt: { attempt: 1, exitCode: null, verifyStatus: null },
      failure: 'exit-code',
      attemptsLeft: 1,
    },
    {
      name: 'ran but the re-check still failed',
      attempt: { attempt: 1, exitCode: 0, verifyStatus: 'critical' },
      failure: 'verify-failed',
      attemptsLeft: 1,
    },
  ])('reports a repair that $name as Repair Failed ($failure)', ({ attempt, failure, attemptsLeft }) => {
    const event = repairFinishedEvent({ ...base, attempt: repairAttempt({ ...attempt, succeeded: false }) });
    expect(event.detailType).toBe(HEALOPS_DETAIL_TYPES.repairFailed);
    expect(event.detail).toMatchObject({ failure, attemptsLeft, maxAttempts: 2 });
    expect(event.detail.attempt.exitCode).toBe(attempt.exitCode);
    expect(event.detail.attempt.verifyStatus).toBe(attempt.verifyStatus);
  });

  it('cuts the repair output to an excerpt', () => {
    const event = repairFinishedEvent({ ...base, attempt: repairAttempt({ output: 'y'.repeat(50_000) }) });
    expect(event.detail.attempt.output).toHaveLength(EVENT_LIMITS.outputExcerpt);
    expect(event.detail.attempt.outputTruncated).toBe(true);
  });
});

describe('escalatedEvent', () => {
  const base = {
    key: KEY,
    check: DISK_CHECK,
    run: failingRun(KEY),
    detail: 'repair failed 2 times',
    repairs: [] as RepairAttempt[],
    at: EVENT_AT,
    correlationId: 'corr-3',
  };

  it('carries the complete ticket trigger of a new problem', () => {
    const problem = openProblem(KEY);
    const event = escalatedEvent({ ...base, problem });
    expect(event.detailType).toBe('HealOps Escalated');
    expect(event.detail).toMatchObject({
      dedupKey: DEDUP,
      status: 'critical',
      reason: 'repair-failed',
      occurrences: 1,
      severity: 'critical',
    });
    const ticket = problemTicket({
      action: 'trigger',
      key: KEY,
      problem,
      run: base.run,
      environment: 'prod',
      detail: base.detail,
      repairs: [],
      at: EVENT_AT,
      runbook: 'https://runbooks.example.com/linux-base/disk-root',
    });
    expect(event.detail.ticket).toEqual(ticket);
  });

  it('asks for a ticket update when the problem was already open', () => {
    const event = escalatedEvent({
      ...base,
      problem: openProblem(KEY, { occurrences: 4, reason: 'budget' }),
    });
    expect(event.detail.ticket.action).toBe('update');
    expect(event.detail.reason).toBe('budget');
  });

  it('keeps the most recent repairs, each output cut to its excerpt', () => {
    const repairs = Array.from({ length: 8 }, (_, i) =>
      repairAttempt({ attempt: i + 1, succeeded: false, output: `attempt ${i + 1} ${'z'.repeat(5_000)}` }),
    );
    const { detail } = escalatedEvent({ ...base, problem: openProblem(KEY), repairs });
    expect(detail.ticket.repairs.map((r) => r.attempt)).toEqual([4, 5, 6, 7, 8]);
    for (const r of detail.ticket.repairs) expect(r.output).toHaveLength(EVENT_LIMITS.repairOutputExcerpt);
  });
});

describe('recoveredEvent', () => {
  it('closes the open problem with its resolve ticket', () => {
    const problem = openProblem(KEY, { occurrences: 3 });
    const event = recoveredEvent({
      key: KEY,
      check: DISK_CHECK,
      run: passingRun(KEY),
      problem,
      how: 'repaired',
      repairs: [repairAttempt()],
      at: EVENT_AT,
      correlationId: 'corr-4',
    });
    expect(event.detailType).toBe('HealOps Recovered');
    expect(event.detail).toMatchObject({
      dedupKey: DEDUP,
      how: 'repaired',
      recoveredAt: '2026-03-01T09:59:59.000Z',
      status: 'ok',
      summary: 'DISK OK - free space: / 4100 MB (41%)',
      problem: { openedAt: '2026-03-01T09:55:00.000Z', reason: 'repair-failed', occurrences: 3 },
    });
    expect(event.detail.ticket).toMatchObject({ action: 'resolve', dedupKey: DEDUP, detail: 'repaired' });
    expect(event.detail.ticket?.repairs).toEqual([repairAttempt()]);
  });

  it('has no ticket when no problem was open (a repair fixed it first)', () => {
    const event = recoveredEvent({
      key: KEY,
      check: { ...DISK_CHECK, severity: 'warning' },
      run: passingRun(KEY),
      problem: null,
      how: 'repaired',
      repairs: [],
      at: EVENT_AT,
      correlationId: 'corr-5',
    });
    expect(event.detail).toMatchObject({
      dedupKey: problemDedupKey(KEY),
      severity: 'warning',
      problem: null,
      ticket: null,
    });
  });
});
