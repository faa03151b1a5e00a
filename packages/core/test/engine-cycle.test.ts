import { describe, expect, it } from 'vitest';
import { type CycleRequest, runCycle } from '../src/engine/cycle.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { initialState, problemDedupKey } from '../src/engine/lifecycle.js';
import { BufferedSink } from '../src/metrics/buffered-sink.js';
import type { CheckKey, ResolvedCheck } from '../src/model/check.js';
import type { CheckOutcome, MetricPoint } from '../src/model/results.js';
import type { CheckState } from '../src/model/state.js';
import {
  BrokenSink,
  exec,
  ManualClock,
  MemorySink,
  MemoryStore,
  ScriptedExecutor,
} from './support/doubles.js';
import { KEY, makeCheck, REPAIR_POLICY } from './support/fixtures.js';
import { MemoryOutbox } from './support/memory-outbox.js';

const CHECK = '/pkg/checks/nginx-up.sh';
const REPAIR = '/pkg/repairs/restart.sh';

function setup(script: ConstructorParameters<typeof ScriptedExecutor>[0], delayMs = 0) {
  const store = new MemoryStore();
  const sink = new MemorySink();
  const executor = new ScriptedExecutor(script, delayMs);
  const clock = new ManualClock();
  const deps: EngineDeps = { executor, state: store, audit: store, sinks: [sink], clock };
  return { store, sink, executor, clock, deps };
}

function request(checks: ResolvedCheck[], over: Partial<CycleRequest> = {}): CycleRequest {
  return {
    checks,
    skippedPackages: [],
    targets: ['local'],
    hostPlatform: 'linux',
    concurrency: 4,
    dryRun: false,
    maxOutputBytes: 65_536,
    ...over,
  };
}

function only(report: { results: readonly CheckOutcome[] }): CheckOutcome {
  expect(report.results).toHaveLength(1);
  return report.results[0] as CheckOutcome;
}

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

  it('suppresses a child whose parent fails in the same cycle, after waiting for the parent', async () => {
    const t = setup({
      '/pkg/parent': [exec(2, 'CRITICAL - host down')],
      [CHECK]: [exec(2, 'CRITICAL')],
      [REPAIR]: [exec(0)],
    });
    const parent = makeCheck({
      name: 'host',
      command: { argv: ['/pkg/parent'], fromPackage: true, display: '/pkg/parent' },
      repair: undefined,
    });
    const child = makeCheck({ dependsOn: ['host'] });
    const report = await runCycle(t.deps, request([child, parent]));
    const byName = Object.fromEntries(report.results.map((r) => [r.key.check, r]));
    expect(byName.host?.outcome).toBe('escalated');
    expect(byName['nginx-up']).toMatchObject({
      outcome: 'suppressed',
      repair: { skippedReason: 'dependency' },
    });
    expect(t.executor.ran(REPAIR)).toBe(0);
  });

  it('inside a maintenance window the check runs but nothing is repaired or escalated', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(0)] });
    const check = makeCheck({ maintenance: [{ cron: '0 * * * *', durationMs: 30 * 60_000 }] });
    const outcome = only(await runCycle(t.deps, request([check])));
    expect(outcome).toMatchObject({ outcome: 'suppressed', repair: { skippedReason: 'maintenance' } });
    expect(t.executor.ran(CHECK)).toBe(1);
    expect(t.executor.ran(REPAIR)).toBe(0);
    expect((await t.store.load(KEY))?.problem).toBeNull();
    t.clock.advance(45 * 60_000);
    const after = only(await runCycle(t.deps, request([check])));
    expect(after.repair.attempted).toBe(true);
    expect(t.executor.ran(REPAIR)).toBe(1);
  });

  it('dry run runs checks but no repair and saves no state, audit or metrics', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL')], [REPAIR]: [exec(0)] });
    const outcome = only(await runCycle(t.deps, request([makeCheck()], { dryRun: true })));
    expect(outcome).toMatchObject({
      outcome: 'suppressed',
      repair: { attempted: false, skippedReason: 'report-only' },
    });
    expect(outcome.detail).toContain('would repair');
    expect(t.executor.ran(REPAIR)).toBe(0);
    expect(t.store.states.size).toBe(0);
    expect(t.store.events).toEqual([]);
    expect(t.sink.points).toEqual([]);
    expect(outcome.metrics.length).toBeGreaterThan(0);
  });

  it('skips checks for another platform and packages that cannot run, with the reason', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK')] });
    const report = await runCycle(
      t.deps,
      request([makeCheck({ platform: 'windows' })], {
        skippedPackages: [
          { package: 'http-endpoint', reason: 'missing required parameter "url"', checks: ['status'] },
        ],
      }),
    );
    expect(report.results.map((r) => [r.key.check, r.outcome, r.detail])).toEqual([
      ['status', 'skipped', 'missing required parameter "url"'],
      ['nginx-up', 'skipped', 'platform windows: not run on a linux target'],
    ]);
    expect(t.executor.requests).toEqual([]);
  });

  it('keeps going when a metrics sink is down, and reports the port error', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK')] });
    const errors: string[] = [];
    const deps: EngineDeps = {
      ...t.deps,
      sinks: [new BrokenSink(), t.sink],
      observer: { onPortError: (port) => errors.push(port) },
    };
    const outcome = only(await runCycle(deps, request([makeCheck()])));
    expect(outcome.outcome).toBe('ok');
    expect(t.sink.points.length).toBeGreaterThan(0);
    expect(errors).toContain('metrics:broken');
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

  it('does not suppress a child whose parent was not run (other platform)', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL'), exec(0, 'OK')], [REPAIR]: [exec(0)] });
    const parent = makeCheck({ name: 'host', platform: 'windows', repair: undefined });
    const child = makeCheck({ dependsOn: ['host'] });
    const report = await runCycle(t.deps, request([child, parent]));
    const byName = Object.fromEntries(report.results.map((r) => [r.key.check, r]));
    expect(byName.host?.outcome).toBe('skipped');
    expect(byName['nginx-up']?.outcome).toBe('recovered');
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

  it('flags output cut at the capture limit in the outcome and the audit trail', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK - big', { truncated: true })] });
    const outcome = only(await runCycle(t.deps, request([makeCheck()])));
    expect(outcome.truncated).toBe(true);
    expect(t.store.events.some((e) => e.detail?.truncated === true)).toBe(true);
  });

  it('ends with a heartbeat and the health of buffering sinks, written through every sink', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK')] });
    const delivered: MetricPoint[] = [];
    const remote = new BufferedSink({
      name: 'tsdb',
      transport: {
        maxBatch: 100,
        send: async (batch) => {
          delivered.push(...batch);
          return { rejected: [] };
        },
      },
      outbox: new MemoryOutbox(),
      clock: t.clock,
      maxBuffer: 1000,
    });
    await runCycle({ ...t.deps, sinks: [t.sink, remote] }, request([makeCheck()], { runner: 'local:test' }));
    for (const points of [t.sink.points, delivered]) {
      const names = points.map((p) => p.name);
      expect(names).toContain('healops.check.status');
      expect(points.find((p) => p.name === 'healops.heartbeat')).toMatchObject({
        value: 1,
        dimensions: { runner: 'local:test' },
      });
      expect(points.find((p) => p.name === 'healops.sink.pending')).toMatchObject({
        value: 0,
        dimensions: { sink: 'tsdb' },
      });
      expect(points.find((p) => p.name === 'healops.sink.dropped')).toMatchObject({
        value: 0,
        dimensions: { sink: 'tsdb' },
      });
    }
  });

  it('refuses a dependsOn cycle instead of deadlocking', async () => {
    const t = setup({ [CHECK]: [exec(0, 'OK')] });
    const a = makeCheck({ name: 'a', dependsOn: ['b'] });
    const b = makeCheck({ name: 'b', dependsOn: ['a'] });
    await expect(runCycle(t.deps, request([a, b]))).rejects.toThrow(
      /dependsOn cycle: web\/a -> web\/b -> web\/a/,
    );
    expect(t.executor.requests).toEqual([]);
  });

  it('bounds concurrency', async () => {
    const script: Record<string, ReturnType<typeof exec>[]> = {};
    const checks = Array.from({ length: 12 }, (_, i) => {
      script[`/pkg/c${i}`] = [exec(0, 'OK')];
      return makeCheck({
        name: `c${i}`,
        command: { argv: [`/pkg/c${i}`], fromPackage: true, display: `/pkg/c${i}` },
      });
    });
    const t = setup(script, 20);
    const report = await runCycle(t.deps, request(checks, { concurrency: 3 }));
    expect(report.results).toHaveLength(12);
    expect(t.executor.maxActive).toBe(3);
  });

  it('gives perfdata labels that fold to the same metric name distinct names instead of overwriting', async () => {
    const t = setup({ [CHECK]: [exec(0, "OK | 'a b'=1 a_b=2 dup=10 dup=11")] });
    await runCycle(t.deps, request([makeCheck()]));
    const perf = t.sink.points
      .filter((p) => p.name.startsWith('healops.perf.'))
      .map((p) => `${p.name}=${p.value}`);
    expect(perf).toEqual([
      'healops.perf.a_b=1',
      'healops.perf.a_b_2=2',
      'healops.perf.dup=10',
      'healops.perf.dup_2=11',
    ]);
  });

  it('stats jobs record perfdata only and never touch state', async () => {
    const t = setup({ '/pkg/stats': [exec(0, 'conns | active=12;;;0; idle=3')] });
    const stats = makeCheck({
      kind: 'stats',
      name: 'conns',
      command: { argv: ['/pkg/stats'], fromPackage: true, display: '/pkg/stats' },
    });
    const report = await runCycle(t.deps, request([stats]));
    expect(report.stats).toHaveLength(1);
    expect(report.results).toHaveLength(0);
    expect(t.sink.points.map((p) => p.name)).toEqual(
      expect.arrayContaining(['healops.perf.active', 'healops.perf.idle']),
    );
    expect(t.sink.points.map((p) => p.name)).not.toContain('healops.check.status');
    expect(t.store.states.size).toBe(0);
  });
});
