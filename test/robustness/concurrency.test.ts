import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPackage, runOnce, sandbox, sh, stateDir } from './robustness-kit.js';

const CHECKS = 20;
const CONCURRENCY = 10;

/** Most intervals open at one instant. */
function maxOverlap(intervals: ReadonlyArray<readonly [number, number]>): number {
  const edges = intervals.flatMap(([start, end]) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  // Ends before starts at the same instant: touching intervals do not overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.delta;
    most = Math.max(most, open);
  }
  return most;
}

describe('--concurrency', () => {
  it('runs 20 half-second checks 10 at a time: all ok, in parallel, never more than 10 at once', async () => {
    const box = sandbox();
    const names = Array.from({ length: CHECKS }, (_, i) => `sleeper-${String(i).padStart(2, '0')}`);
    addPackage(
      box,
      'sleepers',
      `checks:\n${names.map((n) => `  - name: ${n}\n    script: checks/sleep.sh`).join('\n')}`,
      {
        // Each run logs when it started and ended (ns since the epoch) to a file of its own.
        'checks/sleep.sh': sh(`
start=$(date +%s%N)
sleep 0.5
echo "$start $(date +%s%N)" > "$HEALOPS_STATE_DIR/$HEALOPS_CHECK.span"
echo "SLEEP OK - slept"
`),
      },
    );

    // Safety limit: one after the other they need 10 s; ten at a time about 1 s plus start-up.
    const run = await runOnce(box, [box.packages, '--concurrency', String(CONCURRENCY)], {
      timeoutMs: 9_000,
    });

    expect(run.code).toBe(0);
    expect(run.report.results.map((r) => r.check).sort()).toEqual(names);
    expect(run.report.results.every((r) => r.outcome === 'ok' && r.status === 'ok')).toBe(true);

    const spans = names.map((name): [number, number] => {
      const [start = Number.NaN, end = Number.NaN] = readFileSync(
        join(stateDir(box, 'sleepers'), `${name}.span`),
        'utf8',
      )
        .trim()
        .split(' ')
        .map(Number);
      return [start, end];
    });
    const overlap = maxOverlap(spans);
    expect(overlap).toBeGreaterThan(1);
    expect(overlap).toBeLessThanOrEqual(CONCURRENCY);
  });
});
