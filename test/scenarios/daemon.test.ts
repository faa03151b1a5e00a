import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healops, type RunJson } from '../support/cli.js';
import { type Fixture, markerCheck, metrics, singlePackage, valuesOf } from './scenario-kit.js';

/** Runs `healops run <pkg> --json` on schedule and sends SIGTERM once `ready(stdout)` says so. */
async function runUntil(f: Fixture, pkg: string, ready: (stdout: string) => boolean) {
  let signalled = false;
  const onSpawn = (child: ChildProcess): void => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const poll = setInterval(() => {
      if (!signalled && ready(stdout)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    }, 20);
    child.on('close', () => clearInterval(poll));
  };
  // The schedule is one minute: a process that ignored SIGTERM or waited for its next cycle would hit this limit.
  const result = await healops(['run', pkg, '--json', '--home', f.home], {
    cwd: f.root,
    onSpawn,
    timeoutMs: 20_000,
  });
  expect(signalled, result.stderr).toBe(true);
  const cycles = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunJson);
  return { ...result, cycles };
}

describe('healops run without --once', () => {
  it('runs the first cycle at start and exits 0 on SIGTERM, with the results recorded', async () => {
    const f = singlePackage({
      name: 'beat',
      manifest: `
checks:
  - name: pulse
    script: checks/pulse.sh
    schedule: rate(1 minute)
`,
      files: { 'checks/pulse.sh': markerCheck('pulse', 'never', 1) },
    });

    const run = await runUntil(f, f.pkg, (stdout) => stdout.includes('\n'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.cycles).toHaveLength(1);
    expect(run.cycles[0]?.results).toMatchObject([{ package: 'beat', check: 'pulse', status: 'warning' }]);
    const points = await metrics(f, ['--check', 'pulse']);
    expect(valuesOf(points, 'healops.check.status')).toEqual([1]);
  });

  it('lets a check that is running when SIGTERM arrives finish and records its real result', async () => {
    const f = singlePackage({
      name: 'nap',
      manifest: `
checks:
  - name: slow
    script: checks/slow.sh
    schedule: rate(1 minute)
`,
      files: {
        'checks/slow.sh': `#!/bin/sh
touch "$HEALOPS_PARAM_SPY/started"
sleep 1
touch "$HEALOPS_PARAM_SPY/finished"
echo "NAP OK - rested | 'naps'=1"
`,
      },
    });

    const run = await runUntil(f, f.pkg, () => existsSync(join(f.spy, 'started')));
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(f.spy, 'finished'))).toBe(true);
    expect(run.cycles).toHaveLength(1);
    expect(run.cycles[0]?.results).toMatchObject([
      { check: 'slow', status: 'ok', outcome: 'ok', summary: 'NAP OK - rested' },
    ]);
    const points = await metrics(f, ['--check', 'slow']);
    expect(valuesOf(points, 'healops.check.status')).toEqual([0]);
    expect(valuesOf(points, 'healops.perf.naps')).toEqual([1]);
  });
});
