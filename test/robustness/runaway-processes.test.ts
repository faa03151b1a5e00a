import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  addPackage,
  isRunning,
  plugin,
  readPid,
  resultOf,
  runOnce,
  sandbox,
  sh,
  stateDir,
} from './robustness-kit.js';

/** How long a killed process may take to disappear (or become a zombie) after the CLI exited. */
const GONE_WITHIN = { timeout: 5_000, interval: 50 };

describe('a check that never ends', () => {
  it('is cut at its timeout as UNKNOWN, never repaired, while the other checks finish with their own results', async () => {
    const box = sandbox();
    addPackage(
      box,
      'mixed',
      `
checks:
  - name: hangs
    script: checks/hangs.sh
    timeout: 1s
    repair: { script: repairs/mark.sh, verifyAfter: 0s }
  - name: fine
    script: checks/fine.sh
  - name: broken
    script: checks/broken.sh
    repair: { script: repairs/fix-broken.sh, verifyAfter: 0s }
`,
      {
        // The sleep is a child of the check, in the check's process group: it must not outlive the timeout.
        'checks/hangs.sh': sh(`
sleep 600 &
echo $! > "$HEALOPS_STATE_DIR/hangs.pid"
wait
echo "OK - should never get here"
`),
        'repairs/mark.sh': sh('touch "$HEALOPS_STATE_DIR/hangs-repaired"'),
        'checks/fine.sh': plugin('FINE OK - all good'),
        'checks/broken.sh': sh(`
if [ -f "$HEALOPS_STATE_DIR/fixed" ]; then echo "BROKEN OK - fixed"; exit 0; fi
echo "BROKEN CRITICAL - down"
exit 2
`),
        'repairs/fix-broken.sh': sh('touch "$HEALOPS_STATE_DIR/fixed"'),
      },
    );

    // Safety limit only: a cycle that waited for the sleep would take 10 minutes.
    const run = await runOnce(box, [box.packages], { timeoutMs: 20_000 });

    expect(run.code).toBe(1);
    expect(resultOf(run.report, 'hangs')).toMatchObject({
      status: 'unknown',
      outcome: 'unknown',
      repair: { attempted: false, skippedReason: 'unknown-status', attempts: [] },
    });
    expect(resultOf(run.report, 'hangs').summary).toMatch(/timed out/);
    expect(existsSync(join(stateDir(box, 'mixed'), 'hangs-repaired'))).toBe(false);
    expect(resultOf(run.report, 'fine')).toMatchObject({
      status: 'ok',
      outcome: 'ok',
      summary: 'FINE OK - all good',
    });
    expect(resultOf(run.report, 'broken')).toMatchObject({
      initialStatus: 'critical',
      status: 'ok',
      outcome: 'recovered',
      repair: { attempted: true, succeeded: true },
    });

    const pid = readPid(join(stateDir(box, 'mixed'), 'hangs.pid'));
    await vi.waitFor(() => expect(isRunning(pid, 'sleep')).toBe(false), GONE_WITHIN);
  });

  it('is killed even when it ignores SIGTERM, and so are its children', async () => {
    const box = sandbox();
    addPackage(
      box,
      'stubborn',
      `
checks:
  - name: ignores-term
    script: checks/ignores-term.sh
    timeout: 1s
`,
      {
        // trap '' TERM is inherited by the sleep too: only the SIGKILL after the grace period ends them.
        'checks/ignores-term.sh': sh(`
trap '' TERM
sleep 600 &
echo $! > "$HEALOPS_STATE_DIR/sleep.pid"
while :; do wait; done
`),
      },
    );

    const run = await runOnce(box, [box.packages], { timeoutMs: 20_000 });

    expect(run.code).toBe(1);
    expect(resultOf(run.report, 'ignores-term')).toMatchObject({
      status: 'unknown',
      outcome: 'unknown',
      repair: { attempted: false, skippedReason: 'unknown-status' },
    });
    const pid = readPid(join(stateDir(box, 'stubborn'), 'sleep.pid'));
    await vi.waitFor(() => expect(isRunning(pid, 'sleep')).toBe(false), GONE_WITHIN);
  });
});

describe('a check that leaves a background child holding its stdout', () => {
  it('is read when the check exits: ok at once, not at the timeout, and the child does not survive', async () => {
    const box = sandbox();
    addPackage(
      box,
      'forker',
      `
checks:
  - name: forks
    script: checks/forks.sh
    timeout: 60s
`,
      {
        // The background sleep inherits stdout: waiting for EOF on the pipe would wait 300 s (or the 60 s timeout).
        'checks/forks.sh': sh(`
sleep 300 &
echo $! > "$HEALOPS_STATE_DIR/child.pid"
echo "FORK OK - started a helper | helpers=1;;;0;"
exit 0
`),
      },
    );

    // Safety limit well below the check's own 60 s timeout, so a run that waited for the pipe fails here.
    const run = await runOnce(box, [box.packages], { timeoutMs: 20_000 });

    expect(run.code).toBe(0);
    const result = resultOf(run.report, 'forks');
    expect(result).toMatchObject({ status: 'ok', outcome: 'ok', summary: 'FORK OK - started a helper' });
    expect(result.metrics).toContainEqual({ name: 'healops.perf.helpers', value: 1, unit: '' });
    const pid = readPid(join(stateDir(box, 'forker'), 'child.pid'));
    await vi.waitFor(() => expect(isRunning(pid, 'sleep')).toBe(false), GONE_WITHIN);
  });
});
