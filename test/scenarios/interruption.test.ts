import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healops, json, type RunJson, scratch, writePackage } from '../support/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A check that fails until its marker exists; a repair that records its pid and is slow until `fast` exists. */
function slowRepairPackage(root: string): string {
  return writePackage(root, 'svc', {
    'healops.yaml': `name: svc
version: 1.0.0
checks:
  - name: up
    script: checks/up.sh
    repair: { script: repairs/fix.sh, verifyAfter: 100ms, timeout: 60s }
`,
    'checks/up.sh': `#!/bin/sh
if [ -f "$HEALOPS_STATE_DIR/up" ]; then echo "UP OK"; exit 0; fi
echo "UP CRITICAL - down"; exit 2
`,
    'repairs/fix.sh': `#!/bin/sh
echo $$ > "$HEALOPS_STATE_DIR/repair.pid"
[ -f "$HEALOPS_STATE_DIR/fast" ] || sleep 30
touch "$HEALOPS_STATE_DIR/up"
`,
  });
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('interrupting a run', () => {
  it('SIGINT during --once kills the running repair, releases the lease and exits 130', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const pkg = slowRepairPackage(dir);
    const home = join(dir, 'home');
    const state = join(home, 'state', 'svc', 'local');
    const first = healops(['run', pkg, '--once', '--json', '--home', home], {
      onSpawn: (child) => {
        void waitFor(() => existsSync(join(state, 'repair.pid')), 'the repair to start').then(() => {
          child.kill('SIGINT');
        });
      },
      timeoutMs: 20_000,
    });
    const result = await first;
    expect(result.code).toBe(130);
    const pid = Number(readFileSync(join(state, 'repair.pid'), 'utf8'));
    await waitFor(() => !alive(pid), 'the repair process to be gone', 5000);
    const report = json<RunJson>(result);
    expect(report.results[0]).toMatchObject({ outcome: 'unknown', repair: { attempted: true } });

    // The lease was released: the next run repairs at once (the repair is fast now).
    writeFileSync(join(state, 'fast'), '');
    const next = json<RunJson>(await healops(['run', pkg, '--once', '--json', '--home', home]));
    expect(next.results[0], JSON.stringify(next.results[0])).toMatchObject({ outcome: 'recovered' });
    // Released by the interrupted run itself, not broken later as a dead runner's lease.
    const audit = json<Array<{ message: string }>>(await healops(['audit', '--json', '--home', home]));
    expect(audit.some((e) => e.message.includes('broke the repair lease'))).toBe(false);
  });

  it('a lease left by a run killed with SIGKILL is broken at once because its process is gone', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const pkg = slowRepairPackage(dir);
    const home = join(dir, 'home');
    const state = join(home, 'state', 'svc', 'local');
    const killed = await healops(['run', pkg, '--once', '--home', home], {
      onSpawn: (child) => {
        void waitFor(() => existsSync(join(state, 'repair.pid')), 'the repair to start').then(() => {
          child.kill('SIGKILL');
        });
      },
      timeoutMs: 20_000,
    });
    expect(killed.code).toBeNull();
    writeFileSync(join(state, 'fast'), '');
    const next = await healops(['run', pkg, '--once', '--json', '--home', home]);
    expect(json<RunJson>(next).results[0]).toMatchObject({ outcome: 'recovered' });
    const audit = json<Array<{ message: string }>>(await healops(['audit', '--json', '--home', home]));
    expect(audit.some((e) => /broke the repair lease of local:/.test(e.message))).toBe(true);
  });
});
