import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CheckFailedDetail,
  checkFailedEvent,
  type EngineDeps,
  evaluateResult,
  executeCheck,
  HEALOPS_EVENT_SOURCE,
  runPoints,
} from '@healops/core';
import { expect } from 'vitest';
import { FIXTURE_PACKAGE, wallClock } from '../../../../packages/aws/test/support/repair-fixture.js';
import { CHECK, type Host, REGION, type RepairWorld } from './repair-world.js';

// A failure for the repair Lambda to handle: recorded the way the check function records it (executeCheck +
// evaluateResult through the same executor and store), the EventBridge envelope and Lambda context it arrives
// with, and what the repair did on the host.

/** The engine deps the check function runs with: the SSM executor and the DynamoStore, no sinks. */
export function checkDeps(world: RepairWorld): EngineDeps {
  return {
    executor: world.ssmExecutor(),
    state: world.store,
    audit: world.store,
    sinks: [],
    clock: wallClock,
  };
}

/** What the check function does for a hard failure: run the check, record it, save, and build the event. */
export async function recordFailure(world: RepairWorld, host: Host): Promise<CheckFailedDetail> {
  world.server();
  const deps = checkDeps(world);
  const settings = { dryRun: false, maxOutputBytes: 64 * 1024, leaseOwner: 'lambda:healops-check:test' };
  const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
  const first = await executeCheck(deps, settings, CHECK, key);
  expect(first.status).toBe('critical');
  const evaluated = await evaluateResult(
    deps,
    settings,
    { check: CHECK, target: host.id, failingParents: async () => [], maintenance: () => undefined },
    first,
    { events: [], points: runPoints(CHECK, first) },
  );
  if (evaluated.kind !== 'repair') throw new Error(`expected a repair verdict, got ${evaluated.kind}`);
  await evaluated.changes.persist();
  return checkFailedEvent({
    check: CHECK,
    run: first,
    state: evaluated.changes.state,
    at: new Date(),
    correlationId: `corr-${host.id}`,
  }).detail;
}

export function context(requestId = randomUUID()) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'healops-repair',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:healops-repair`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/healops-repair',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 120_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export function envelope(detail: CheckFailedDetail) {
  return {
    version: '0',
    id: randomUUID(),
    source: HEALOPS_EVENT_SOURCE,
    account: '123456789012',
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    'detail-type': 'HealOps Check Failed',
    detail,
  };
}

/** How many times the repair script ran on the host (it appends to repairs.log). */
export async function repairRuns(host: Host): Promise<number> {
  const log = join(host.dir, 'repairs.log');
  return existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').length : 0;
}

/** How many repair commands the emulator was sent for the host. */
export function repairCommands(world: RepairWorld, host: Host): number {
  return world.emulator.commands.filter(
    (c) =>
      c.parameters.job?.[0] === 'repair:svc-up' &&
      world.emulator.invocations.some((i) => i.commandId === c.commandId && i.instanceId === host.id),
  ).length;
}
