import { initialState, problemDedupKey } from '../../src/engine/lifecycle.js';
import { checkContinueEvent } from '../../src/events/check-continue.js';
import { checkFailedEvent } from '../../src/events/check-failed.js';
import { escalatedEvent } from '../../src/events/escalated.js';
import type { HealOpsEvent } from '../../src/events/healops-event.js';
import { recoveredEvent } from '../../src/events/recovered.js';
import { repairFinishedEvent } from '../../src/events/repair-finished.js';
import type { CheckKey } from '../../src/model/check.js';
import type { CheckRun, RepairAttempt } from '../../src/model/results.js';
import type { CheckState, Problem } from '../../src/model/state.js';
import { parsePluginOutput } from '../../src/nagios/plugin-output.js';
import { makeCheck, makeRun } from './fixtures.js';

// Engine data (runs, states, problems, repair attempts) for the event tests, and one event of each detail-type
// built from it through the public builders.

export const EVENT_AT = new Date('2026-03-01T10:00:00.000Z');

export const DISK_OUTPUT =
  "DISK CRITICAL - free space: / 310 MB (3% inode=71%); | '/'=9830MB;8192;9216;0;10240 'inodes'=71%;;;0;100\n" +
  'the root volume is almost full — /var/log/nginx is 6.1 GB\n';

export function eventKey(i = 0): CheckKey {
  return { package: 'linux-base', check: 'disk-root', target: `i-0${(0xabc000 + i).toString(16)}` };
}

/** A CRITICAL run of a real-looking disk check, parsed through the Nagios contract. */
export function failingRun(key: CheckKey = eventKey(), output = DISK_OUTPUT): CheckRun {
  const parsed = parsePluginOutput(output);
  return {
    ...makeRun('critical', new Date(EVENT_AT.getTime() - 5_000), key),
    summary: parsed.summary,
    longOutput: parsed.longOutput,
    output,
    perfdata: parsed.perfdata,
    perfdataErrors: parsed.perfdataErrors,
    durationMs: 412,
  };
}

export function passingRun(key: CheckKey = eventKey()): CheckRun {
  return {
    ...makeRun('ok', new Date(EVENT_AT.getTime() - 1_000), key),
    summary: 'DISK OK - free space: / 4100 MB (41%)',
    output: 'DISK OK - free space: / 4100 MB (41%)',
  };
}

export function failingState(key: CheckKey = eventKey(), overrides: Partial<CheckState> = {}): CheckState {
  return {
    ...initialState(key),
    version: 7,
    lastStatus: 'critical',
    lastRunAt: EVENT_AT.toISOString(),
    consecutiveFailures: 3,
    history: [0, 0, 2, 2, 2],
    incidentRepairs: 1,
    ...overrides,
  };
}

export function openProblem(key: CheckKey = eventKey(), overrides: Partial<Problem> = {}): Problem {
  return {
    dedupKey: problemDedupKey(key),
    openedAt: '2026-03-01T09:55:00.000Z',
    severity: 'critical',
    reason: 'repair-failed',
    lastStatus: 'critical',
    lastOutput: DISK_OUTPUT,
    updatedAt: EVENT_AT.toISOString(),
    occurrences: 1,
    ...overrides,
  };
}

export function repairAttempt(overrides: Partial<RepairAttempt> = {}): RepairAttempt {
  return {
    attempt: 1,
    startedAt: '2026-03-01T09:59:00.000Z',
    exitCode: 0,
    timedOut: false,
    durationMs: 2_300,
    output: 'rotated /var/log/nginx/*.log, freed 5.8 GB\n',
    verifyStatus: 'ok',
    succeeded: true,
    ...overrides,
  };
}

export const DISK_CHECK = makeCheck({
  package: 'linux-base',
  packageVersion: '2.3.1',
  name: 'disk-root',
  environment: 'prod',
  severity: 'critical',
  platform: 'linux',
  failAfter: 3,
  runbook: 'https://runbooks.example.com/linux-base/disk-root',
  dependsOn: ['host-up'],
  maintenance: [{ cron: '0 2 * * 0', durationMs: 3_600_000, timezone: 'Europe/Berlin' }],
  repair: {
    command: {
      argv: ['/pkg/repairs/rotate-logs.sh', 'secret-value'],
      fromPackage: true,
      display: 'repairs/rotate-logs.sh ${params.token}',
    },
    verifyAfterMs: 5_000,
    maxAttempts: 2,
    timeoutMs: 120_000,
    budget: { max: 3, perMs: 86_400_000, backoffMs: 600_000 },
  },
});

/** One event of each detail-type for target number `i`, built from engine data. */
export function sampleEvents(i = 0): HealOpsEvent[] {
  const key = eventKey(i);
  const correlationId = `corr-${i}`;
  const idempotencyKey = `${problemDedupKey(key)}#2026-03-01T09:50:00.000Z`;
  const failed = repairAttempt({
    attempt: 2,
    exitCode: 1,
    verifyStatus: null,
    succeeded: false,
    output: 'logrotate: error: /etc/logrotate.d/nginx:3 unknown option\n',
  });
  return [
    checkFailedEvent({
      check: DISK_CHECK,
      run: failingRun(key),
      state: failingState(key),
      at: EVENT_AT,
      correlationId,
      repairDocument: 'HealOps-linux-base-2-3-1',
      failureStartedAt: '2026-03-01T09:50:00.000Z',
    }),
    repairFinishedEvent({
      key,
      check: DISK_CHECK,
      attempt: repairAttempt(),
      at: EVENT_AT,
      correlationId,
      idempotencyKey,
      commandId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }),
    repairFinishedEvent({
      key,
      check: DISK_CHECK,
      attempt: failed,
      at: EVENT_AT,
      correlationId,
      idempotencyKey,
    }),
    escalatedEvent({
      key,
      check: DISK_CHECK,
      problem: openProblem(key),
      run: failingRun(key),
      detail: 'repair failed 2 times (exit 1)',
      repairs: [repairAttempt({ succeeded: false, verifyStatus: 'critical' }), failed],
      at: EVENT_AT,
      correlationId,
    }),
    recoveredEvent({
      key,
      check: DISK_CHECK,
      run: passingRun(key),
      problem: openProblem(key, { occurrences: 3 }),
      how: 'recovered by itself',
      repairs: [],
      at: EVENT_AT,
      correlationId,
    }),
  ];
}

/** A `HealOps Check Continue` event for run number `i` (the check function's own event; not in sampleEvents). */
export function continueEvent(i = 0): HealOpsEvent {
  return checkContinueEvent({
    schedule: 'rate(5 minutes)',
    handle: {
      package: 'linux-base',
      startedAt: '2026-03-01T09:59:00.000Z',
      commands: [
        {
          check: 'disk-root',
          commandId: `c0ffee00-0000-4000-9000-${String(i).padStart(12, '0')}`,
          targetCount: 50,
          requestedAt: '2026-03-01T09:59:00.000Z',
          seen: ['i-00000000000000001'],
        },
      ],
    },
    pending: 12,
    continuation: i + 1,
    at: EVENT_AT,
    correlationId: `corr-${i}`,
  });
}
