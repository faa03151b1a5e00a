import type { Operation, SsmEmulator } from '../../test/support/ssm-emulator/index.js';
import { CHECKS, expectedExit } from './fleet-fixture.js';

/* What one strategy's run produced, and the check that it collected every (check, host) result correctly. */

export interface Collected {
  readonly check: string;
  readonly instanceId: string;
  readonly exitCode: number | null;
}

export interface RunResult {
  readonly strategy: string;
  readonly calls: Readonly<Record<Operation, number>>;
  readonly totalCalls: number;
  /** From the first SendCommand to the last result collected (real ms). */
  readonly wallMs: number;
  /** Time spent sending (real ms). */
  readonly sendMs: number;
  /** From the first step a host started to the last one it finished (real ms): the host work. */
  readonly hostSpanMs: number;
  /** From the last host finishing to its result being collected (real ms). */
  readonly collectLagMs: number;
  /** Poll passes until everything was collected. */
  readonly passes: number;
  /** Scripts the emulator started (one per invocation). */
  readonly processes: number;
  readonly results: number;
  /** Results missing, doubled or with another exit code than the check's script gives. */
  readonly wrong: number;
}

export function wrongResults(collected: readonly Collected[], instanceIds: readonly string[]): number {
  const seen = new Set<string>();
  let wrong = 0;
  for (const result of collected) {
    const key = `${result.check}/${result.instanceId}`;
    if (seen.has(key) || result.exitCode !== expectedExit(result.check)) wrong += 1;
    seen.add(key);
  }
  const expected = CHECKS.length * instanceIds.length;
  return wrong + Math.max(0, expected - seen.size);
}

export function sumCalls(calls: Readonly<Record<Operation, number>>): number {
  return Object.values(calls).reduce((sum, n) => sum + n, 0);
}

/** The hosts' busy span (first step start to last step end, epoch ms) from the emulator's invocations. */
export function hostSpan(emulator: SsmEmulator): { readonly first: number; readonly last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const invocation of emulator.invocations) {
    for (const plugin of invocation.plugins) {
      if (plugin.startedAt !== undefined) first = Math.min(first, plugin.startedAt);
      if (plugin.finishedAt !== undefined) last = Math.max(last, plugin.finishedAt);
    }
  }
  return { first, last };
}
