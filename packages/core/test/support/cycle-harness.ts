import { expect } from 'vitest';
import type { CycleRequest } from '../../src/engine/cycle.js';
import type { EngineDeps } from '../../src/engine/deps.js';
import type { ResolvedCheck } from '../../src/model/check.js';
import type { CheckOutcome } from '../../src/model/results.js';
import { ManualClock, MemorySink, MemoryStore, ScriptedExecutor } from './doubles.js';

// Shared by the runCycle tests: in-memory engine deps, a cycle request, and the one outcome of a one-check cycle.

export const CHECK = '/pkg/checks/nginx-up.sh';
export const REPAIR = '/pkg/repairs/restart.sh';

export function setup(script: ConstructorParameters<typeof ScriptedExecutor>[0], delayMs = 0) {
  const store = new MemoryStore();
  const sink = new MemorySink();
  const executor = new ScriptedExecutor(script, delayMs);
  const clock = new ManualClock();
  const deps: EngineDeps = { executor, state: store, audit: store, sinks: [sink], clock };
  return { store, sink, executor, clock, deps };
}

export function request(checks: ResolvedCheck[], over: Partial<CycleRequest> = {}): CycleRequest {
  return {
    checks,
    skippedPackages: [],
    targets: ['local'],
    hostPlatform: 'linux',
    concurrency: 4,
    dryRun: false,
    maxOutputBytes: 65_536,
    ...over,
  };
}

export function only(report: { results: readonly CheckOutcome[] }): CheckOutcome {
  expect(report.results).toHaveLength(1);
  return report.results[0] as CheckOutcome;
}
