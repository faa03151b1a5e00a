import { describe, expect, it } from 'vitest';
import {
  audit,
  markerCheck,
  metrics,
  onlyResult,
  repairScript,
  resultOf,
  runOnce,
  runsOf,
  singlePackage,
  status,
} from './scenario-kit.js';

describe('suppressed hard failures', () => {
  it('neither repairs nor opens a problem inside a maintenance window', async () => {
    const f = singlePackage({
      name: 'app',
      manifest: `
checks:
  - name: api
    script: checks/api.sh
    maintenance: [{ cron: "* * * * *", duration: 1h }]
    repair: { script: repairs/restart.sh, verifyAfter: 100ms }
`,
      files: { 'checks/api.sh': markerCheck('api', 'up'), 'repairs/restart.sh': repairScript('restart') },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(onlyResult(run)).toMatchObject({
      outcome: 'suppressed',
      status: 'critical',
      repair: { attempted: false, skippedReason: 'maintenance' },
    });
    expect(run.code).toBe(1);
    expect(runsOf(f, 'restart')).toBe(0);
    expect(await status(f)).toEqual({ dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } });
    const events = await audit(f);
    expect(events.filter((e) => e.type === 'suppressed').map((e) => e.detail?.reason)).toEqual([
      'maintenance',
    ]);
    expect(events.some((e) => e.type === 'escalated' || e.type === 'repair-started')).toBe(false);
  });

  it('suppresses a child whose parent fails, even when the child is listed first', async () => {
    const f = singlePackage({
      name: 'stack',
      manifest: `
checks:
  - name: child
    script: checks/child.sh
    dependsOn: [parent]
    repair: { script: repairs/child-fix.sh, verifyAfter: 100ms }
  - name: parent
    script: checks/parent.sh
`,
      files: {
        'checks/child.sh': markerCheck('child', 'child-up'),
        'checks/parent.sh': markerCheck('parent', 'parent-up'),
        'repairs/child-fix.sh': repairScript('child-fix'),
      },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(run.code).toBe(1);
    expect(run.report.results).toHaveLength(2);
    expect(resultOf(run, 'child')).toMatchObject({
      outcome: 'suppressed',
      status: 'critical',
      repair: { attempted: false, skippedReason: 'dependency' },
    });
    expect(resultOf(run, 'child').detail).toContain('parent');
    expect(resultOf(run, 'parent')).toMatchObject({
      outcome: 'escalated',
      repair: { skippedReason: 'no-repair' },
    });
    expect(runsOf(f, 'child')).toBe(1);
    expect(runsOf(f, 'child-fix')).toBe(0);
    const after = await status(f);
    expect(after.dot).toBe('yellow');
    expect(after.problems.map((p) => p.check)).toEqual(['parent']);
  });

  it('reports what it would repair on --dry-run and changes nothing', async () => {
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

    const run = await runOnce(f, [f.pkg], ['--dry-run']);
    const result = onlyResult(run);
    expect(result).toMatchObject({
      outcome: 'suppressed',
      status: 'critical',
      repair: { attempted: false, skippedReason: 'report-only' },
    });
    expect(result.detail).toContain('would repair');
    expect(runsOf(f, 'svc')).toBe(1);
    expect(runsOf(f, 'fix')).toBe(0);
    expect(await status(f)).toEqual({ dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } });
    expect(await audit(f)).toEqual([]);
    expect(await metrics(f)).toEqual([]);
  });
});
