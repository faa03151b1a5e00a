import { describe, expect, it } from 'vitest';
import { runCycle } from '../src/engine/cycle.js';
import { initialState, problemDedupKey } from '../src/engine/lifecycle.js';
import type { CheckKey } from '../src/model/check.js';
import type { CheckState } from '../src/model/state.js';
import { CHECK, only, REPAIR, request, setup } from './support/cycle-harness.js';
import { exec, type MemoryStore } from './support/doubles.js';
import { KEY, makeCheck, REPAIR_POLICY } from './support/fixtures.js';

// runCycle repairing: repair and re-check rounds, escalation, attempt budgets, UNKNOWN, repair leases and state
// store failures. Which checks run and what a cycle reports: engine-cycle-scope.test.ts.

describe('runCycle', () => {
  it('repairs a hard failure, verifies it and reports recovered with metrics and audit', async () => {
    const t = setup({
      [CHECK]: [exec(2, 'CRITICAL - down | conns=0;;;0;'), exec(0, 'OK - up | conns=5;;;0;')],
      [REPAIR]: [exec(0, 'restarted')],
    });
    const check = makeCheck({ repair: { ...REPAIR_POLICY, verifyAfterMs: 5000 } });
    const outcome = only(await runCycle(t.deps, request([check])));
    expect(outcome).toMatchObject({
      status: 'ok',
      initialStatus: 'critical',
      outcome: 'recovered',
      repair: { attempted: true, succeeded: true, skippedReason: null },
    });
    expect(t.clock.slept).toEqual([5000]);
    const repairReq = t.executor.requests.find((r) => r.argv[0] === REPAIR);
    expect(repairReq?.env).toMatchObject({ HEALOPS_CHECK_STATUS: 'CRITICAL', HEALOPS_PACKAGE: 'web' });
    expect(JSON.parse(repairReq?.stdin ?? '{}')).toMatchObject({
      status: 'critical',
      summary: 'CRITICAL - down',
    });
    const names = t.sink.points.map((p) => `${p.name}=${p.value}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'healops.check.status=2',
        'healops.check.status=0',
        'healops.perf.conns=0',
        'healops.perf.conns=5',
        'healops.repair=1',
      ]),
    );
    expect(t.store.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'hard-fail',
        'repair-started',
        'repair-finished',
        'verify-result',
        'recovered',
      ]),
    );
    const state = await t.store.load(KEY);
    expect(state?.repairTimes).toHaveLength(1);
    expect(state?.repairLeaseUntil).toBeNull();
    expect(state?.problem).toBeNull();
  });

  it('escalates when the repair exits 0 but the re-check still fails, then recovers on a later OK', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL - down')], [REPAIR]: [exec(0, 'did nothing useful')] });
    const check = makeCheck();
    const first = only(await runCycle(t.deps, request([check])));
    expect(first).toMatchObject({ outcome: 'escalated', repair: { attempted: true, succeeded: false } });
    expect((await t.store.load(KEY))?.problem?.dedupKey).toBe(problemDedupKey(KEY));
    expect(t.sink.points.filter((p) => p.name === 'healops.repair').map((p) => p.value)).toEqual([0]);

    const healed = setup({ [CHECK]: [exec(0, 'OK')] });
    const deps = { ...healed.deps, state: t.store, audit: t.store };
    const second = only(await runCycle(deps, request([check])));
    expect(second.outcome).toBe('recovered');
    expect((await t.store.load(KEY))?.problem).toBeNull();
  });

  it('treats a repair that exits non-zero as failed without trusting it', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(1, 'boom')] });
    const outcome = only(await runCycle(t.deps, request([makeCheck()])));
    expect(outcome.outcome).toBe('escalated');
    expect(outcome.repair.attempts[0]).toMatchObject({ exitCode: 1, succeeded: false });
    expect(t.executor.ran(CHECK)).toBe(1);
  });

  it('runs up to maxAttempts rounds and stops at the budget', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(0)] });
    const repair = {
      ...REPAIR_POLICY,
      maxAttempts: 3,
      budget: { max: 2, perMs: 3_600_000, backoffMs: 0 },
    };
    const outcome = only(await runCycle(t.deps, request([makeCheck({ repair })])));
    expect(outcome.repair.attempts).toHaveLength(2);
    expect(outcome.outcome).toBe('escalated');
    expect(outcome.repair.skippedReason).toBe('budget');
    expect((await t.store.load(KEY))?.problem?.reason).toBe('repair-failed');
  });

  it('never repairs UNKNOWN (timeout) and escalates only after unknownAfter', async () => {
    const t = setup({ [CHECK]: [exec(null, '', { timedOut: true })], [REPAIR]: [exec(0)] });
    const check = makeCheck({ unknownAfter: 2 });
    const first = only(await runCycle(t.deps, request([check])));
    expect(first).toMatchObject({
      status: 'unknown',
      outcome: 'unknown',
      repair: { skippedReason: 'unknown-status' },
    });
    const second = only(await runCycle(t.deps, request([check])));
    expect(second).toMatchObject({ outcome: 'escalated', repair: { skippedReason: 'unknown-status' } });
    expect(t.executor.ran(REPAIR)).toBe(0);
  });

  it('stops repairing when a re-check is UNKNOWN: never repair what cannot be seen', async () => {
    const t = setup({
      [CHECK]: [exec(2, 'CRITICAL'), exec(null, '', { timedOut: true })],
      [REPAIR]: [exec(0)],
    });
    const repair = { ...REPAIR_POLICY, maxAttempts: 3 };
    const outcome = only(await runCycle(t.deps, request([makeCheck({ repair })])));
    expect(t.executor.ran(REPAIR)).toBe(1);
    expect(outcome).toMatchObject({
      outcome: 'escalated',
      status: 'unknown',
      repair: { skippedReason: 'unknown-status' },
    });
  });

  it('spends maxAttempts per hard failure, not per cycle, and starts afresh after a pass', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(0)] });
    const check = makeCheck();
    const first = only(await runCycle(t.deps, request([check])));
    expect(first).toMatchObject({ outcome: 'escalated', repair: { attempted: true } });
    const second = only(await runCycle(t.deps, request([check])));
    expect(second).toMatchObject({
      outcome: 'escalated',
      repair: { attempted: false, skippedReason: 'budget' },
    });
    expect(second.detail).toMatch(/repair attempt\(s\) for this failure are spent/);
    expect(t.executor.ran(REPAIR)).toBe(1);
    expect((await t.store.load(KEY))?.problem?.reason).toBe('repair-failed');

    const passing = setup({ [CHECK]: [exec(0, 'OK')] });
    await runCycle({ ...passing.deps, state: t.store, audit: t.store }, request([check]));
    await runCycle(t.deps, request([check]));
    expect(t.executor.ran(REPAIR)).toBe(2);
  });

  it('writes nothing while another runner holds the repair lease, and reports the check as not ok', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(0)] });
    const lease = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await t.store.save(
      { ...initialState(KEY), repairLeaseUntil: lease, repairLeaseOwner: 'local:other:42' },
      0,
    );
    const outcome = only(await runCycle(t.deps, request([makeCheck()], { leaseOwner: 'local:me:1' })));
    expect(outcome.outcome).toBe('suppressed');
    expect(outcome.detail).toContain('local:other:42');
    expect(t.executor.ran(REPAIR)).toBe(0);
    expect((await t.store.load(KEY))?.version).toBe(1);
  });

  it('breaks a lease whose owner is gone, says so, and repairs', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL'), exec(0, 'OK')], [REPAIR]: [exec(0)] });
    const lease = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await t.store.save(
      { ...initialState(KEY), repairLeaseUntil: lease, repairLeaseOwner: 'local:me:999' },
      0,
    );
    const outcome = only(
      await runCycle(
        t.deps,
        request([makeCheck()], { leaseOwner: 'local:me:1', isLeaseOwnerGone: (o) => o === 'local:me:999' }),
      ),
    );
    expect(outcome.outcome).toBe('recovered');
    expect(t.store.events.some((e) => e.message.includes('broke the repair lease of local:me:999'))).toBe(
      true,
    );
    expect((await t.store.load(KEY))?.repairLeaseOwner).toBeNull();
  });

  it('decides again on fresh state when another runner wrote it in between', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')] });
    let raced = false;
    const racing = Object.assign(Object.create(t.store) as MemoryStore, {
      save: async (state: CheckState, expected: number) => {
        if (!raced) {
          raced = true;
          // Another runner records a failure first.
          await t.store.save({ ...state, consecutiveFailures: 1 }, expected);
        }
        return t.store.save(state, expected);
      },
    });
    const check = makeCheck({ failAfter: 2, repair: undefined });
    const outcome = only(await runCycle({ ...t.deps, state: racing }, request([check])));
    // On fresh state this is the second failure in a row: hard, so escalated (no repair defined).
    expect(outcome.outcome).toBe('escalated');
    expect((await t.store.load(KEY))?.version).toBe(2);
  });

  it('reports a state store failure as UNKNOWN for that check and keeps the others going', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK')], '/pkg/other': [exec(0, 'OK')] });
    const broken = Object.assign(Object.create(t.store) as MemoryStore, {
      load: async (key: CheckKey) => {
        if (key.check === 'nginx-up') throw new Error('disk I/O error');
        return t.store.load(key);
      },
    });
    const other = makeCheck({
      name: 'other',
      command: { argv: ['/pkg/other'], fromPackage: true, display: 'other' },
    });
    const report = await runCycle({ ...t.deps, state: broken }, request([makeCheck(), other]));
    const byName = Object.fromEntries(report.results.map((r) => [r.key.check, r]));
    expect(byName['nginx-up']).toMatchObject({ outcome: 'unknown', status: 'ok' });
    expect(byName['nginx-up']?.detail).toContain('disk I/O error');
    expect(byName.other?.outcome).toBe('ok');
    expect(t.sink.points.some((p) => p.dimensions.check === 'nginx-up')).toBe(true);
  });
});
