import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateResult, executeCheck, problemDedupKey } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PACKAGE } from '../../../packages/aws/test/support/repair-fixture.js';
import {
  checkDeps,
  context,
  envelope,
  recordFailure,
  repairCommands,
  repairRuns,
} from './support/repair-failure.js';
import { CHECK, useRepairWorld } from './support/repair-world.js';

// The repair Lambda end to end: state, outbox and idempotency records in DynamoDB (moto), the repair and its re-check
// run by the SSM emulator from the package's generated document, and the published events read back from an SQS
// queue behind an EventBridge rule on the HealOps bus (moto). The failing state is recorded the way the check
// function records it (executeCheck + evaluateResult through the same executor and store).

const world = useRepairWorld();

describe('repair Lambda', () => {
  it('repairs the target, re-checks it and publishes Repair Succeeded and Recovered', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    const result = await world.lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'recovered', attempts: 1 });
    expect(await repairRuns(host)).toBe(1);
    const state = await world.store.load({ package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id });
    expect(state?.lastStatus).toBe('ok');
    expect(state?.repairLeaseUntil).toBeNull();
    expect(state?.problem).toBeNull();
    expect(await world.publishedFor(host.id, 2)).toEqual(['HealOps Repair Succeeded', 'HealOps Recovered']);
    const recovered = world.received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Recovered',
    );
    expect(recovered?.detail.correlationId).toBe(`corr-${host.id}`);
    // The repair read the failing run on stdin.
    const stdin = JSON.parse(await readFile(join(host.dir, 'last-stdin'), 'utf8')) as { status: string };
    expect(stdin.status).toBe('critical');
  });

  it('escalates a repair that does not fix the check, with the ticket trigger queued in the outbox', async () => {
    const host = await world.newHost();
    await writeFile(join(host.dir, 'broken'), '');
    const detail = await recordFailure(world, host);
    const result = await world.lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'escalated', attempts: 1 });
    const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
    const state = await world.store.load(key);
    expect(state?.problem?.reason).toBe('repair-failed');
    const tickets = await world.store.list({ dedupKey: problemDedupKey(key) });
    expect(tickets.map((t) => [t.route, t.event.action, t.state])).toEqual([
      ['ops-hook', 'trigger', 'pending'],
    ]);
    expect(await world.publishedFor(host.id, 2)).toEqual(['HealOps Repair Failed', 'HealOps Escalated']);
    const escalated = world.received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Escalated',
    );
    expect(escalated?.detail.ticket).toMatchObject({ action: 'trigger' });
  });

  it('repairs once when the same event is delivered twice', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    const event = envelope(detail);
    const handler = world.lambda();
    const first = await handler(event, context());
    const second = await handler(event, context());
    expect(first).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect(second).toEqual(first);
    expect(await repairRuns(host)).toBe(1);
    expect(repairCommands(world, host)).toBe(1);
  });

  it('runs one repair when two invocations race for the same failure; the other skips', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    const other = { ...detail, idempotencyKey: `${detail.idempotencyKey}-redelivered-by-a-second-check-run` };
    const handler = world.lambda();
    const results = await Promise.all([
      handler(envelope(detail), context()),
      handler(envelope(other), context()),
    ]);
    const done = results.filter((r) => r.status === 'done');
    const skipped = results.filter((r) => r.status === 'skipped');
    expect(done).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(['lease-held', 'already-repaired', 'passed-since']).toContain(
      skipped[0]?.status === 'skipped' ? skipped[0].reason : '',
    );
    expect(await repairRuns(host)).toBe(1);
    expect(repairCommands(world, host)).toBe(1);
  });

  it('escalates, never recovers, when the target is offline for the repair', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    world.emulator.setOnline(host.id, false);
    const result = await world.lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'escalated', attempts: 1 });
    expect(await repairRuns(host)).toBe(0);
    const state = await world.store.load({ package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id });
    expect(state?.problem).not.toBeNull();
    expect(state?.lastStatus).toBe('critical');
    const types = await world.publishedFor(host.id, 2);
    expect(types).toEqual(['HealOps Repair Failed', 'HealOps Escalated']);
    expect(types).not.toContain('HealOps Recovered');
    const failed = world.received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Repair Failed',
    );
    expect(failed?.detail.attempt).toMatchObject({ exitCode: null, verifyStatus: null });
  });

  it('keeps a saved step when the bus refuses its events, and answers a redelivery without repairing again', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    const lambda = world.lambda({ eventBusName: 'healops-no-such-bus' });
    const result = await lambda(envelope(detail), context());
    expect(result).toEqual({
      status: 'done',
      outcome: 'recovered',
      attempts: 1,
      published: [],
      unpublished: ['HealOps Repair Succeeded', 'HealOps Recovered'],
    });
    const state = await world.store.load({ package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id });
    expect(state).toMatchObject({ lastStatus: 'ok', problem: null, repairLeaseUntil: null });
    expect(await lambda(envelope(detail), context())).toEqual(result);
    expect(await repairRuns(host)).toBe(1);
    expect(repairCommands(world, host)).toBe(1);
  });

  it('skips an event whose target passed since', async () => {
    const host = await world.newHost();
    const detail = await recordFailure(world, host);
    await writeFile(join(host.dir, 'up'), '');
    // The next check run (as the check function records it) passes.
    const deps = checkDeps(world);
    const settings = { dryRun: false, maxOutputBytes: 64 * 1024 };
    const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
    const next = await executeCheck(deps, settings, CHECK, key);
    const evaluated = await evaluateResult(
      deps,
      settings,
      { check: CHECK, target: host.id, failingParents: async () => [], maintenance: () => undefined },
      next,
      { events: [], points: [] },
    );
    expect(evaluated.kind).toBe('decided');
    const result = await world.lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'skipped', reason: 'passed-since' });
    expect(await repairRuns(host)).toBe(0);
  });
});
