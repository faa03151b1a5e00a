import { GetCommandInvocationCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ssmJobEnv, ssmJobId } from '@healops/core';
import { executionTimeoutSeconds } from '../../packages/aws/src/index.js';
import type { EmulatedFleet } from './emulated-fleet.js';
import { CHECKS, checkEnv, PLUGIN_NAME } from './fleet-fixture.js';
import { type Collected, hostSpan, type RunResult, sumCalls, wrongResults } from './run-result.js';

/*
 * The naive strategy: one SendCommand per instance per check, then GetCommandInvocation for every unfinished
 * invocation every `pollIntervalMs` until it is terminal. Calls go out `inFlight` at a time (the SDK's socket pool
 * would allow 50), so this strategy is not slowed by awaiting one call after the other.
 */

const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);
const MAX_PASSES = 10_000;

interface Sent {
  readonly check: string;
  readonly commandId: string;
  readonly instanceId: string;
}

/** Runs `work` over `items`, at most `limit` at once. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function sendAll(client: SSMClient, fleet: EmulatedFleet, inFlight: number): Promise<Sent[]> {
  const jobs = CHECKS.flatMap((check) => fleet.instanceIds.map((instanceId) => ({ check, instanceId })));
  const sent: Sent[] = [];
  await eachLimited(jobs, inFlight, async ({ check, instanceId }) => {
    const response = await client.send(
      new SendCommandCommand({
        DocumentName: fleet.documentName,
        InstanceIds: [instanceId],
        Parameters: {
          job: [ssmJobId('check', check.name)],
          env: [ssmJobEnv(checkEnv(check))],
          executionTimeout: [executionTimeoutSeconds(check.timeoutMs)],
        },
        TimeoutSeconds: 60,
      }),
    );
    const commandId = response.Command?.CommandId;
    if (!commandId) throw new Error(`SendCommand answered no command id for ${instanceId}`);
    sent.push({ check: check.name, commandId, instanceId });
  });
  return sent;
}

export async function runNaive(
  fleet: EmulatedFleet,
  pollIntervalMs: number,
  inFlight: number,
): Promise<RunResult> {
  const client = fleet.client();
  const collected: Collected[] = [];
  const started = performance.now();
  let pending = await sendAll(client, fleet, inFlight);
  const sendMs = performance.now() - started;
  let passes = 0;
  while (pending.length > 0 && passes < MAX_PASSES) {
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    const still: Sent[] = [];
    await eachLimited(pending, inFlight, async (sent) => {
      const invocation = await client.send(
        new GetCommandInvocationCommand({
          CommandId: sent.commandId,
          InstanceId: sent.instanceId,
          PluginName: PLUGIN_NAME,
        }),
      );
      if (TERMINAL.has(invocation.Status ?? '')) {
        collected.push({
          check: sent.check,
          instanceId: sent.instanceId,
          exitCode: invocation.ResponseCode ?? null,
        });
      } else still.push(sent);
    });
    pending = still;
    passes += 1;
  }
  const wallMs = performance.now() - started;
  const endedAt = Date.now();
  const span = hostSpan(fleet.emulator);
  const calls = { ...fleet.emulator.calls };
  return {
    strategy: 'naive: 1 SendCommand per host per check + GetCommandInvocation polling',
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
