import { describe, expect, it } from 'vitest';
import {
  audit,
  expectInOrder,
  markerCheck,
  metrics,
  onlyResult,
  repairScript,
  runOnce,
  runsOf,
  setMarker,
  singlePackage,
  spyFile,
  status,
  valuesOf,
} from './scenario-kit.js';

describe('a failing check through one run of the real CLI', () => {
  it('is repaired, re-checked and reported recovered, with the repair fed the check result', async () => {
    const f = singlePackage({
      name: 'web',
      manifest: `
checks:
  - name: svc
    script: checks/svc.sh
    repair: { script: repairs/fix.sh, verifyAfter: 100ms }
`,
      files: {
        'checks/svc.sh': markerCheck('svc', 'up'),
        'repairs/fix.sh': repairScript('fix', { creates: 'up' }),
      },
    });

    const run = await runOnce(f, [f.pkg]);
    const result = onlyResult(run);
    expect(run.code).toBe(0);
    expect(result).toMatchObject({
      package: 'web',
      check: 'svc',
      target: 'local',
      outcome: 'recovered',
      initialStatus: 'critical',
      status: 'ok',
      repair: { attempted: true, succeeded: true, skippedReason: null },
    });
    expect(result.repair.attempts).toMatchObject([
      { attempt: 1, exitCode: 0, succeeded: true, verifyStatus: 'ok' },
    ]);
    expect(runsOf(f, 'svc')).toBe(2);
    expect(runsOf(f, 'fix')).toBe(1);

    expect(spyFile(f, 'fix.status').trim()).toBe('CRITICAL');
    const stdin = JSON.parse(spyFile(f, 'fix.stdin')) as Record<string, unknown>;
    expect(stdin).toMatchObject({
      key: { package: 'web', check: 'svc', target: 'local' },
      status: 'critical',
      exitCode: 2,
      summary: 'SVC CRITICAL - up is down',
    });

    const points = await metrics(f, ['--package', 'web']);
    expect(valuesOf(points, 'healops.check.status')).toEqual([2, 0]);
    expect(valuesOf(points, 'healops.repair')).toEqual([1]);
    expect(valuesOf(points, 'healops.perf.conns')).toEqual([0, 3]);
    expect(points.every((p) => p.dimensions.package === 'web' && p.dimensions.check === 'svc')).toBe(true);

    const events = await audit(f);
    expectInOrder(events, ['hard-fail', 'repair-started', 'repair-finished', 'verify-result', 'recovered']);
    expect(events.some((e) => e.type === 'escalated')).toBe(false);

    expect(await status(f)).toEqual({ dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } });
  });
});

describe('a repair that does not fix the check', () => {
  it('escalates to one problem that survives further runs and closes when the check passes', async () => {
    const f = singlePackage({
      name: 'db',
      manifest: `
checks:
  - name: replica
    script: checks/replica.sh
    repair: { script: repairs/noop.sh, verifyAfter: 100ms }
`,
      files: { 'checks/replica.sh': markerCheck('replica', 'up'), 'repairs/noop.sh': repairScript('noop') },
    });

    const first = await runOnce(f, [f.pkg]);
    expect(first.code).toBe(1);
    const firstResult = onlyResult(first);
    expect(firstResult).toMatchObject({
      outcome: 'escalated',
      status: 'critical',
      repair: { attempted: true, succeeded: false },
    });
    expect(firstResult.repair.attempts).toMatchObject([
      { exitCode: 0, succeeded: false, verifyStatus: 'critical' },
    ]);
    const afterFirst = await status(f);
    expect(afterFirst.dot).toBe('yellow');
    expect(afterFirst.problems).toHaveLength(1);
    const [problem] = afterFirst.problems;
    expect(problem).toMatchObject({ package: 'db', check: 'replica', target: 'local', severity: 'critical' });
    expect(problem?.dedupKey).toEqual(expect.any(String));
    expect(problem?.dedupKey).not.toBe('');

    const second = await runOnce(f, [f.pkg]);
    expect(second.code).toBe(1);
    expect(onlyResult(second).outcome).toBe('escalated');
    const afterSecond = await status(f);
    expect(afterSecond.dot).toBe('yellow');
    expect(afterSecond.problems).toHaveLength(1);
    expect(afterSecond.problems[0]).toMatchObject({
      dedupKey: problem?.dedupKey,
      openedAt: problem?.openedAt,
      occurrences: 2,
    });
    // maxAttempts (1) counts per hard failure: the second run does not repair the same failure again.
    expect(onlyResult(second).repair).toMatchObject({ attempted: false, skippedReason: 'budget' });
    expect(runsOf(f, 'noop')).toBe(1);

    setMarker(f, 'up');
    const third = await runOnce(f, [f.pkg]);
    expect(third.code).toBe(0);
    expect(onlyResult(third)).toMatchObject({
      outcome: 'recovered',
      initialStatus: 'ok',
      status: 'ok',
      repair: { attempted: false },
    });
    expect(runsOf(f, 'noop')).toBe(1);
    expect(await status(f)).toEqual({ dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } });

    const events = await audit(f);
    expect(events.filter((e) => e.type === 'escalated')).toHaveLength(1);
    const recovered = events.filter((e) => e.type === 'recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.detail).toMatchObject({ dedupKey: problem?.dedupKey, openedAt: problem?.openedAt });
  });

  it('counts a repair that exits non-zero as failed even when the check would pass afterwards', async () => {
    const f = singlePackage({
      name: 'cache',
      manifest: `
checks:
  - name: warm
    script: checks/warm.sh
    repair: { script: repairs/crash.sh, verifyAfter: 100ms }
`,
      files: {
        'checks/warm.sh': markerCheck('warm', 'up'),
        // Fixes the service, then reports failure: HealOps must believe the exit code.
        'repairs/crash.sh': repairScript('crash', { creates: 'up', exitCode: 1 }),
      },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(run.code).toBe(1);
    const result = onlyResult(run);
    expect(result).toMatchObject({ outcome: 'escalated', repair: { attempted: true, succeeded: false } });
    expect(result.repair.attempts).toMatchObject([{ attempt: 1, exitCode: 1, succeeded: false }]);
    expect(runsOf(f, 'crash')).toBe(1);

    const points = await metrics(f, ['--name', 'healops.repair']);
    expect(points.map((p) => p.value)).toEqual([0]);
    const finished = (await audit(f)).filter((e) => e.type === 'repair-finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]?.detail).toMatchObject({ exitCode: 1 });
    expect((await status(f)).problems).toMatchObject([{ check: 'warm', reason: 'repair-failed' }]);
  });
});

describe('failAfter', () => {
  it('keeps the first failures soft and repairs only when the count is reached', async () => {
    const f = singlePackage({
      name: 'queue',
      manifest: `
checks:
  - name: depth
    script: checks/depth.sh
    failAfter: 3
    repair: { script: repairs/drain.sh, verifyAfter: 100ms }
`,
      files: {
        'checks/depth.sh': markerCheck('depth', 'up'),
        'repairs/drain.sh': repairScript('drain', { creates: 'up' }),
      },
    });

    for (const run of [1, 2]) {
      const result = await runOnce(f, [f.pkg]);
      expect(result.code, `run ${run}`).toBe(1);
      expect(onlyResult(result), `run ${run}`).toMatchObject({
        outcome: 'soft-fail',
        status: 'critical',
        repair: { attempted: false },
      });
      expect(runsOf(f, 'drain'), `run ${run}`).toBe(0);
    }
    const third = await runOnce(f, [f.pkg]);
    expect(third.code).toBe(0);
    expect(onlyResult(third)).toMatchObject({
      outcome: 'recovered',
      repair: { attempted: true, succeeded: true },
    });
    expect(runsOf(f, 'drain')).toBe(1);
    const events = await audit(f);
    expect(events.filter((e) => e.type === 'soft-fail')).toHaveLength(2);
    expectInOrder(events, ['soft-fail', 'soft-fail', 'hard-fail', 'repair-started']);
  });
});
