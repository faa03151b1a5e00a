import { describe, expect, it } from 'vitest';
import { runCycle } from '../src/engine/cycle.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { BufferedSink } from '../src/metrics/buffered-sink.js';
import type { MetricPoint } from '../src/model/results.js';
import { CHECK, only, REPAIR, request, setup } from './support/cycle-harness.js';
import { BrokenSink, exec } from './support/doubles.js';
import { KEY, makeCheck } from './support/fixtures.js';
import { MemoryOutbox } from './support/memory-outbox.js';

// runCycle scope and reporting: dependencies, maintenance, dry run, platforms, sinks, heartbeat, concurrency,
// perfdata and stats jobs. Repairing: engine-cycle-repair.test.ts.

describe('runCycle', () => {
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

  it('does not suppress a child whose parent was not run (other platform)', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL'), exec(0, 'OK')], [REPAIR]: [exec(0)] });
    const parent = makeCheck({ name: 'host', platform: 'windows', repair: undefined });
    const child = makeCheck({ dependsOn: ['host'] });
    const report = await runCycle(t.deps, request([child, parent]));
    const byName = Object.fromEntries(report.results.map((r) => [r.key.check, r]));
    expect(byName.host?.outcome).toBe('skipped');
    expect(byName['nginx-up']?.outcome).toBe('recovered');
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
