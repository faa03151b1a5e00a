import { describe, expect, it } from 'vitest';
import { percentStateChange } from '../src/engine/flap.js';
import {
  type DecisionContext,
  decide,
  escalate,
  initialState,
  isFailure,
  leaseHeldElsewhere,
  problemDedupKey,
  recordResult,
  recover,
} from '../src/engine/lifecycle.js';
import type { ResolvedCheck } from '../src/model/check.js';
import type { CheckState } from '../src/model/state.js';
import type { StatusName } from '../src/model/status.js';
import { KEY, makeCheck, makeRun, REPAIR_POLICY } from './support/fixtures.js';

const NOW = new Date('2026-01-01T12:00:00Z');

function stateAfter(
  statuses: StatusName[],
  check: ResolvedCheck,
  base: Partial<CheckState> = {},
): CheckState {
  let state: CheckState = { ...initialState(KEY), ...base };
  for (const status of statuses) state = recordResult(state, makeRun(status, NOW), check, NOW).state;
  return state;
}

function ctx(check: ResolvedCheck, over: Partial<DecisionContext> = {}): DecisionContext {
  return { now: NOW, check, failingParents: [], maintenance: undefined, dryRun: false, ...over };
}

describe('failure semantics', () => {
  it.each([
    ['ok', 'critical', false],
    ['warning', 'critical', false],
    ['warning', 'warning', true],
    ['critical', 'critical', true],
    ['critical', 'warning', true],
    ['unknown', 'critical', false],
    ['unknown', 'warning', false],
  ] as const)('%s with failOn %s is a failure: %s', (status, failOn, expected) => {
    expect(isFailure(status, failOn)).toBe(expected);
  });
});

describe('decide: every lifecycle branch', () => {
  const hour = 3_600_000;
  const recent = new Date(NOW.getTime() - 60_000).toISOString();
  const table: Array<{
    name: string;
    history: StatusName[];
    check?: Partial<ResolvedCheck>;
    state?: Partial<CheckState>;
    context?: Partial<DecisionContext>;
    expected: { kind: string; reason?: string };
  }> = [
    { name: 'ok result is healthy', history: ['ok'], expected: { kind: 'healthy' } },
    { name: 'warning is healthy by default', history: ['warning'], expected: { kind: 'healthy' } },
    {
      name: 'warning fails with failOn warning',
      history: ['warning'],
      check: { failOn: 'warning' },
      expected: { kind: 'repair' },
    },
    { name: 'first critical with failAfter 1 repairs', history: ['critical'], expected: { kind: 'repair' } },
    {
      name: 'first critical with failAfter 2 is soft',
      history: ['critical'],
      check: { failAfter: 2 },
      expected: { kind: 'soft-fail' },
    },
    {
      name: 'second consecutive critical with failAfter 2 is hard',
      history: ['critical', 'critical'],
      check: { failAfter: 2 },
      expected: { kind: 'repair' },
    },
    {
      name: 'an ok between failures resets the count',
      history: ['critical', 'ok', 'critical'],
      check: { failAfter: 2, flap: { enabled: false, low: 20, high: 30 } },
      expected: { kind: 'soft-fail' },
    },
    { name: 'unknown is never repaired', history: ['unknown'], expected: { kind: 'unknown' } },
    {
      name: 'unknown escalates at its own threshold',
      history: ['unknown', 'unknown', 'unknown'],
      expected: { kind: 'escalate', reason: 'unknown-status' },
    },
    {
      name: 'maintenance suppresses a hard failure',
      history: ['critical'],
      context: { maintenance: { cron: '0 2 * * SUN', durationMs: hour } },
      expected: { kind: 'suppress', reason: 'maintenance' },
    },
    {
      name: 'maintenance suppresses an unknown escalation',
      history: ['unknown', 'unknown', 'unknown'],
      context: { maintenance: { cron: '0 2 * * SUN', durationMs: hour } },
      expected: { kind: 'suppress', reason: 'maintenance' },
    },
    {
      name: 'a failing parent suppresses repair and escalation',
      history: ['critical'],
      context: { failingParents: ['host-reachable'] },
      expected: { kind: 'suppress', reason: 'dependency' },
    },
    {
      name: 'dry run reports what it would do',
      history: ['critical'],
      context: { dryRun: true },
      expected: { kind: 'suppress', reason: 'report-only' },
    },
    {
      name: 'no repair defined escalates',
      history: ['critical'],
      check: { repair: undefined },
      expected: { kind: 'escalate', reason: 'no-repair' },
    },
    {
      name: 'report-only escalates instead of repairing',
      history: ['critical'],
      check: { reportOnly: true },
      expected: { kind: 'escalate', reason: 'report-only' },
    },
    {
      name: 'flapping escalates instead of repairing',
      history: ['ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical'],
      expected: { kind: 'escalate', reason: 'flapping' },
    },
    {
      name: 'flapping is ignored when disabled',
      history: ['ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical'],
      check: { flap: { enabled: false, low: 20, high: 30 } },
      expected: { kind: 'repair' },
    },
    {
      name: 'spent budget escalates',
      history: ['critical'],
      state: { repairTimes: [recent, recent, recent] },
      expected: { kind: 'escalate', reason: 'budget' },
    },
    {
      name: 'budget spent long ago is available again',
      history: ['critical'],
      state: { repairTimes: [new Date(NOW.getTime() - 2 * hour).toISOString()] },
      expected: { kind: 'repair' },
    },
    {
      name: 'backoff after failed repairs escalates as budget',
      history: ['critical'],
      check: {
        repair: {
          ...REPAIR_POLICY,
          budget: { max: 10, perMs: hour, backoffMs: 120_000 },
        },
      },
      state: { repairTimes: [recent], failedRepairStreak: 1 },
      expected: { kind: 'escalate', reason: 'budget' },
    },
    {
      name: 'repair attempts for this failure already spent escalate without repairing',
      history: ['critical'],
      state: { incidentRepairs: 1 },
      expected: { kind: 'escalate', reason: 'budget' },
    },
  ];

  it.each(table)('$name', ({ history, check: over, state: base, context, expected }) => {
    const check = makeCheck(over);
    const state = stateAfter(history, check, base);
    const last = history[history.length - 1] ?? 'ok';
    const verdict = decide(state, makeRun(last, NOW), ctx(check, context));
    expect(verdict.kind).toBe(expected.kind);
    if (expected.reason) expect('reason' in verdict ? verdict.reason : undefined).toBe(expected.reason);
  });
});

describe('leaseHeldElsewhere', () => {
  const soon = new Date(NOW.getTime() + 60_000).toISOString();
  const past = new Date(NOW.getTime() - 1).toISOString();
  it.each([
    { name: 'no lease', until: null, owner: null, gone: false, held: false },
    { name: 'an active lease of another runner', until: soon, owner: 'local:h:1', gone: false, held: true },
    { name: 'an active lease without owner', until: soon, owner: null, gone: false, held: true },
    { name: 'our own lease', until: soon, owner: 'me', gone: false, held: false },
    { name: 'an expired lease', until: past, owner: 'local:h:1', gone: false, held: false },
    { name: 'an active lease whose owner is gone', until: soon, owner: 'local:h:1', gone: true, held: false },
  ])('$name -> held: $held', ({ until, owner, gone, held }) => {
    const state = { ...initialState(KEY), repairLeaseUntil: until, repairLeaseOwner: owner };
    expect(leaseHeldElsewhere(state, NOW, 'me', () => gone)).toBe(held);
  });
});

describe('recordResult', () => {
  it('resets the repair attempts of a hard failure only when the check passes', () => {
    const check = makeCheck({ flap: { enabled: false, low: 20, high: 30 } });
    expect(stateAfter(['critical', 'unknown'], check, { incidentRepairs: 1 }).incidentRepairs).toBe(1);
    expect(stateAfter(['critical', 'warning'], check, { incidentRepairs: 1 }).incidentRepairs).toBe(0);
  });

  it('counts consecutive failures and unknowns separately', () => {
    const check = makeCheck({ flap: { enabled: false, low: 20, high: 30 } });
    const state = stateAfter(['critical', 'critical', 'unknown'], check);
    expect(state.consecutiveFailures).toBe(2);
    expect(state.consecutiveUnknowns).toBe(1);
    expect(stateAfter(['critical', 'ok'], check).consecutiveFailures).toBe(0);
  });

  it('keeps at most 21 history entries, newest last', () => {
    const check = makeCheck();
    const statuses: StatusName[] = Array.from({ length: 30 }, (_, i) => (i === 29 ? 'critical' : 'ok'));
    const state = stateAfter(statuses, check);
    expect(state.history).toHaveLength(21);
    expect(state.history.at(-1)).toBe(2);
  });

  it('records a check-result audit event only when the status changes', () => {
    const check = makeCheck();
    const first = recordResult(initialState(KEY), makeRun('ok', NOW), check, NOW);
    expect(first.events.map((e) => e.type)).toEqual(['check-result']);
    const again = recordResult(first.state, makeRun('ok', NOW), check, NOW);
    expect(again.events).toEqual([]);
  });

  it('starts flapping above high and stops only below low (hysteresis)', () => {
    const check = makeCheck();
    const toggling: StatusName[] = [
      'ok',
      'critical',
      'ok',
      'critical',
      'ok',
      'critical',
      'ok',
      'critical',
      'ok',
    ];
    const flapping = stateAfter(toggling, check);
    expect(flapping.flapping).toBe(true);
    let state = flapping;
    let stoppedAfter = 0;
    for (let i = 1; i <= 21 && state.flapping; i++) {
      state = recordResult(state, makeRun('ok', NOW), check, NOW).state;
      stoppedAfter = i;
    }
    expect(state.flapping).toBe(false);
    // Between the thresholds it must keep flapping for a while rather than stop at once.
    expect(stoppedAfter).toBeGreaterThan(1);
  });
});

describe('percentStateChange (Nagios weighting)', () => {
  it.each([
    { name: 'no history', history: [], expected: 0 },
    { name: 'steady', history: Array(21).fill(0), expected: 0 },
    {
      name: 'alternating full window',
      history: Array.from({ length: 21 }, (_, i) => (i % 2) * 2),
      expected: 100,
    },
  ])('$name -> $expected%', ({ history, expected }) => {
    expect(percentStateChange(history)).toBeCloseTo(expected, 5);
  });

  it('weights recent changes more than old ones', () => {
    const old = [2, ...Array(20).fill(0)];
    const recentChange = [...Array(20).fill(0), 2];
    expect(percentStateChange(recentChange)).toBeGreaterThan(percentStateChange(old));
    expect(percentStateChange(old)).toBeCloseTo(3.75, 5);
    expect(percentStateChange(recentChange)).toBeCloseTo(6.25, 5);
  });
});

describe('problems', () => {
  it('opens one problem with a stable dedup key and updates it on recurrence', () => {
    const check = makeCheck();
    const opened = escalate(initialState(KEY), makeRun('critical', NOW), check, 'no-repair', 'x', NOW);
    expect(opened.state.problem?.dedupKey).toBe(problemDedupKey(KEY));
    expect(opened.events.map((e) => e.type)).toEqual(['escalated']);
    const again = escalate(opened.state, makeRun('critical', NOW), check, 'no-repair', 'x', NOW);
    expect(again.state.problem?.occurrences).toBe(2);
    expect(again.state.problem?.openedAt).toBe(opened.state.problem?.openedAt);
    expect(again.events).toEqual([]);
    const changed = escalate(again.state, makeRun('unknown', NOW), check, 'unknown-status', 'y', NOW);
    expect(changed.events.map((e) => e.type)).toEqual(['problem-updated']);
  });

  it('a passing result closes the problem', () => {
    const check = makeCheck();
    const opened = escalate(initialState(KEY), makeRun('critical', NOW), check, 'budget', 'x', NOW);
    const closed = recover(opened.state, makeRun('ok', NOW), NOW, 'recovered');
    expect(closed.state.problem).toBeNull();
    expect(closed.events[0]?.type).toBe('recovered');
    expect(closed.events[0]?.detail).toMatchObject({ dedupKey: problemDedupKey(KEY) });
  });
});
