import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  audit,
  markerCheck,
  onlyResult,
  repairScript,
  runOnce,
  runsOf,
  setMarker,
  singlePackage,
  status,
  toggleCheck,
} from './scenario-kit.js';

describe('policies that forbid a repair', () => {
  it('stops repairing once the budget is spent and escalates with reason budget', async () => {
    // The budget is a window over every failure of the target: fail, recover, fail again, ... — the third hard
    // failure within the hour finds both repairs of budget { max: 2, per: 1h } spent.
    const f = singlePackage({
      name: 'disk',
      manifest: `
checks:
  - name: space
    script: checks/space.sh
    repair: { script: repairs/clean.sh, verifyAfter: 100ms, budget: { max: 2, per: 1h } }
    flap: false
`,
      files: { 'checks/space.sh': markerCheck('space', 'up'), 'repairs/clean.sh': repairScript('clean') },
    });

    for (const run of [1, 2]) {
      const result = await runOnce(f, [f.pkg]);
      expect(result.code, `run ${run}`).toBe(1);
      expect(onlyResult(result), `run ${run}`).toMatchObject({
        outcome: 'escalated',
        repair: { attempted: true, succeeded: false, skippedReason: null },
      });
      expect(runsOf(f, 'clean'), `run ${run}`).toBe(run);
      setMarker(f, 'up');
      expect(onlyResult(await runOnce(f, [f.pkg])).outcome, `recovery after run ${run}`).toBe('recovered');
      rmSync(join(f.spy, 'up'));
    }
    const third = await runOnce(f, [f.pkg]);
    expect(third.code).toBe(1);
    expect(onlyResult(third)).toMatchObject({
      outcome: 'escalated',
      repair: { attempted: false, succeeded: false, skippedReason: 'budget', attempts: [] },
    });
    expect(onlyResult(third).detail).toMatch(/repair budget spent: 2 of 2/);
    expect(runsOf(f, 'clean')).toBe(2);
    const skipped = (await audit(f)).filter((e) => e.type === 'repair-skipped');
    expect(skipped.map((e) => e.detail?.reason)).toEqual(['budget']);
    expect((await status(f)).problems).toMatchObject([{ check: 'space', reason: 'budget' }]);
  });

  it('stops repairing a flapping check and records flapping-started', async () => {
    // Each run executes the toggling check twice (check, then the re-check after the repair), so the history grows
    // by two alternating results per run. Nagios weighting (flap.ts): with n results in a row that all differ, the
    // n-1 changes take the newest weights 0.75 + p/38 (p = 19 down to 21-n); percent = 5 * sum. Before run 4's
    // first result: 6 results, 5 changes -> 29.9% (not above high 30). Run 4's first result makes 7 results,
    // 6 changes -> 35.5% > 30: flapping, so run 4 must escalate instead of repairing.
    const f = singlePackage({
      name: 'net',
      manifest: `
checks:
  - name: link
    script: checks/link.sh
    repair: { script: repairs/bounce.sh, verifyAfter: 100ms, budget: { max: 10, per: 1h } }
`,
      files: { 'checks/link.sh': toggleCheck('link'), 'repairs/bounce.sh': repairScript('bounce') },
    });

    for (const run of [1, 2, 3]) {
      const result = await runOnce(f, [f.pkg]);
      expect(onlyResult(result), `run ${run}`).toMatchObject({
        outcome: 'recovered',
        initialStatus: 'critical',
        repair: { attempted: true, succeeded: true },
      });
    }

    const fourth = await runOnce(f, [f.pkg]);
    expect(fourth.code).toBe(1);
    expect(onlyResult(fourth)).toMatchObject({
      outcome: 'escalated',
      initialStatus: 'critical',
      repair: { attempted: false, skippedReason: 'flapping' },
    });
    expect(runsOf(f, 'bounce')).toBe(3);
    expect(runsOf(f, 'link')).toBe(7);
    const events = await audit(f);
    expect(events.filter((e) => e.type === 'flapping-started')).toHaveLength(1);
    expect((await status(f)).problems).toMatchObject([{ check: 'link', reason: 'flapping' }]);
  });

  it('escalates a reportOnly check with reason report-only without running its repair', async () => {
    const f = singlePackage({
      name: 'mail',
      manifest: `
checks:
  - name: smtp
    script: checks/smtp.sh
    reportOnly: true
    repair: { script: repairs/restart.sh, verifyAfter: 100ms }
`,
      files: { 'checks/smtp.sh': markerCheck('smtp', 'up'), 'repairs/restart.sh': repairScript('restart') },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(run.code).toBe(1);
    expect(onlyResult(run)).toMatchObject({
      outcome: 'escalated',
      repair: { attempted: false, skippedReason: 'report-only', attempts: [] },
    });
    expect(runsOf(f, 'restart')).toBe(0);
    expect(await status(f)).toMatchObject({
      dot: 'yellow',
      problems: [{ check: 'smtp', reason: 'report-only' }],
    });
  });

  it('escalates a check without a repair with reason no-repair', async () => {
    const f = singlePackage({
      name: 'dns',
      manifest: `
checks:
  - name: resolve
    script: checks/resolve.sh
    severity: error
`,
      files: { 'checks/resolve.sh': markerCheck('resolve', 'up') },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(run.code).toBe(1);
    expect(onlyResult(run)).toMatchObject({
      outcome: 'escalated',
      status: 'critical',
      repair: { attempted: false, skippedReason: 'no-repair' },
    });
    expect(await status(f)).toMatchObject({
      dot: 'yellow',
      problems: [{ check: 'resolve', severity: 'error', reason: 'no-repair' }],
    });
  });
});
