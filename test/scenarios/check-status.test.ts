import { describe, expect, it } from 'vitest';
import {
  audit,
  markerCheck,
  onlyResult,
  repairScript,
  resultOf,
  runOnce,
  runsOf,
  singlePackage,
  spyFile,
  status,
} from './scenario-kit.js';

describe('what counts as a failure', () => {
  it('never repairs UNKNOWN and escalates it on the unknownAfter-th run in a row', async () => {
    const f = singlePackage({
      name: 'probe',
      manifest: `
checks:
  - name: blind
    script: checks/blind.sh
    repair: { script: repairs/fix.sh, verifyAfter: 100ms }
`,
      files: { 'checks/blind.sh': markerCheck('blind', 'up', 3), 'repairs/fix.sh': repairScript('fix') },
    });

    for (const run of [1, 2]) {
      const result = await runOnce(f, [f.pkg]);
      expect(result.code, `run ${run}`).toBe(1);
      expect(onlyResult(result), `run ${run}`).toMatchObject({
        outcome: 'unknown',
        status: 'unknown',
        repair: { attempted: false, skippedReason: 'unknown-status' },
      });
    }
    expect((await status(f)).problems).toEqual([]);
    const third = await runOnce(f, [f.pkg]);
    expect(third.code).toBe(1);
    expect(onlyResult(third)).toMatchObject({
      outcome: 'escalated',
      status: 'unknown',
      repair: { attempted: false, skippedReason: 'unknown-status' },
    });
    expect(runsOf(f, 'blind')).toBe(3);
    expect(runsOf(f, 'fix')).toBe(0);
    expect((await status(f)).problems).toMatchObject([
      { check: 'blind', reason: 'unknown-status', lastStatus: 'unknown' },
    ]);
    expect((await audit(f)).some((e) => e.type === 'repair-started')).toBe(false);
  });

  it('repairs WARNING only for failOn: warning, and leaves a plain WARNING ok', async () => {
    const f = singlePackage({
      name: 'tls',
      manifest: `
checks:
  - name: strict
    script: checks/strict.sh
    failOn: warning
    repair: { script: repairs/strict-fix.sh, verifyAfter: 100ms }
  - name: lenient
    script: checks/lenient.sh
    repair: { script: repairs/lenient-fix.sh, verifyAfter: 100ms }
`,
      files: {
        'checks/strict.sh': markerCheck('strict', 'strict-up', 1),
        'checks/lenient.sh': markerCheck('lenient', 'lenient-up', 1),
        'repairs/strict-fix.sh': repairScript('strict-fix', { creates: 'strict-up' }),
        'repairs/lenient-fix.sh': repairScript('lenient-fix', { creates: 'lenient-up' }),
      },
    });

    const run = await runOnce(f, [f.pkg]);
    expect(run.report.errors).toEqual([]);
    expect(resultOf(run, 'strict')).toMatchObject({
      outcome: 'recovered',
      initialStatus: 'warning',
      status: 'ok',
      repair: { attempted: true, succeeded: true },
    });
    expect(spyFile(f, 'strict-fix.status').trim()).toBe('WARNING');
    expect(resultOf(run, 'lenient')).toMatchObject({
      outcome: 'ok',
      status: 'warning',
      repair: { attempted: false, skippedReason: null },
    });
    expect(runsOf(f, 'lenient-fix')).toBe(0);
    // Both checks ended ok or recovered, so the run as a whole succeeds.
    expect(run.code).toBe(0);
    expect(await status(f)).toEqual({ dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } });
  });
});
