import type { BundlePackage } from '@healops/core';
import { SsmFleetExecutor, SsmRunner } from '../../packages/aws/src/index.js';
import type { EmulatedFleet } from './emulated-fleet.js';
import { benchDocument, bundlePackage, CHECKS, checkEnv } from './fleet-fixture.js';
import { type Collected, hostSpan, type RunResult, sumCalls, wrongResults } from './run-result.js';

/*
 * The HealOps strategy, as the check Lambda runs it: SsmFleetExecutor.start (one SendCommand per check per 50 ids,
 * or per check for a tag target), then poll passes (ListCommandInvocations pages of 50 with Details, per open
 * command) every `pollIntervalMs` until every invocation is collected. This is what core's checkPackage does
 * between its clock sleeps; the decisions on the results (state store) are left out.
 */

const MAX_PASSES = 10_000;

export async function runHealOps(
  fleet: EmulatedFleet,
  targets: BundlePackage['targets'],
  strategy: string,
  pollIntervalMs: number,
): Promise<RunResult> {
  const executor = new SsmFleetExecutor(new SsmRunner(fleet.client()), { deliveryTimeoutSeconds: 60 });
  const pkg = bundlePackage(benchDocument(), targets);
  const collected: Collected[] = [];
  const started = performance.now();
  let handle = await executor.start(pkg, CHECKS, checkEnv);
  const sendMs = performance.now() - started;
  let passes = 0;
  while (handle.commands.length > 0 && passes < MAX_PASSES) {
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    const poll = await executor.poll(handle);
    passes += 1;
    for (const result of poll.results) {
      collected.push({ check: result.check, instanceId: result.target, exitCode: result.exec.exitCode });
    }
    handle = poll.handle;
  }
  const wallMs = performance.now() - started;
  const endedAt = Date.now();
  const span = hostSpan(fleet.emulator);
  const calls = { ...fleet.emulator.calls };
  return {
    strategy,
    calls,
    totalCalls: sumCalls(calls),
    wallMs,
    sendMs,
    hostSpanMs: span.last - span.first,
    collectLagMs: endedAt - span.last,
    passes,
    processes: fleet.emulator.processesStarted,
    results: collected.length,
    wrong: wrongResults(collected, fleet.instanceIds),
  };
}
