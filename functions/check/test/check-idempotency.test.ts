import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoStore } from '@healops/aws';
import { type AuditLog, HEALOPS_DETAIL_TYPES, type StateStore } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { SCHEDULER_SCHEDULED_TIME, scheduleInput } from '../../../packages/core/src/deploy/schedule-input.js';
import { CHECK_DEFAULTS } from '../src/check-handler.js';
import { scheduledCheckSchema } from '../src/check-input.js';
import { CheckInputError } from '../src/errors.js';
import { bundlePackage, CHECK_SCHEDULE, PACKAGE } from './support/check-fixture.js';
import { ran, skipped } from './support/check-results.js';
import { checkContext, type Host, useCheckWorld } from './support/check-world.js';
import { busEvent } from './support/healops-bus.js';

// EventBridge Scheduler (and an EventBridge rule) delivers at least once. The check function keys a scheduled run on
// (package, schedule, scheduledTime) and a continuation on (correlationId, continuation) in Powertools Idempotency
// records (moto DynamoDB); the hosts are the SSM emulator's, so every SendCommand a duplicate would cost is counted.

const world = useCheckWorld(bundlePackage);
const CHECK = 'svc-up';

/** What Scheduler invokes the function with: the schedule's Input with the scheduled time filled in. */
function scheduled(time: string): unknown {
  const input = JSON.stringify(scheduleInput(PACKAGE, CHECK_SCHEDULE));
  return JSON.parse(input.replace(SCHEDULER_SCHEDULED_TIME, time)) as unknown;
}

const sendCommands = () => world.emulator.calls.SendCommand;
const commandsTo = (host: Host) => world.emulator.invocations.filter((i) => i.instanceId === host.id).length;

async function failures(host: Host): Promise<number | undefined> {
  return (await world.store.load({ package: PACKAGE, check: CHECK, target: host.id }))?.consecutiveFailures;
}

function messages(logger: { entries(): Array<Record<string, unknown>> }): string[] {
  return logger.entries().map((e) => String(e.message));
}

describe('check function idempotency', () => {
  it('runs a scheduled run once when Scheduler invokes it twice with the same scheduledTime', async () => {
    const host = await world.newHost();
    const { handler, logger } = await world.checkFunction([host]);
    const input = scheduled('2025-03-22T18:55:00Z');
    const before = sendCommands();

    const first = ran(await handler(input, checkContext()));
    expect(first).toMatchObject({ continued: false, pending: 0, errors: [], published: 1 });
    expect(first.counts.repair).toBe(1);
    expect(sendCommands() - before).toBe(1);

    const second = await handler(input, checkContext());
    expect(second).toEqual(first);
    expect(sendCommands() - before).toBe(1);
    expect(commandsTo(host)).toBe(1);
    expect(await failures(host)).toBe(1);
    expect(messages(logger)).toContain('duplicate invocation: answered with the stored result of the run');
  });

  it('runs once when two invocations of one scheduled time arrive at once; the other answers skipped', async () => {
    // The host answers late, so the run is still in progress when the duplicate gets its answer.
    const host = await world.newHost({ latencyMs: 1_500 });
    const { handler, logger, idempotencyTable } = await world.checkFunction([host]);
    const input = scheduled('2025-03-22T19:00:00Z');
    const before = sendCommands();
    const contexts = [checkContext(120_000), checkContext(120_000)] as const;

    const runs = [handler(input, contexts[0]), handler(input, contexts[1])];
    const duplicate = skipped(await Promise.race(runs));
    expect(duplicate).toMatchObject({
      reason: 'duplicate-in-progress',
      package: PACKAGE,
      schedule: CHECK_SCHEDULE,
      continuation: 0,
    });
    // The run's in-progress record expires with its invocation (the Lambda context reached Powertools), not with
    // the 24-hour record expiry: a run killed by a timeout does not block its retries.
    const [record] = await world.idempotencyItems(idempotencyTable);
    expect(record?.status).toBe('INPROGRESS');
    const end = Math.min(contexts[0].end, contexts[1].end);
    expect(record?.inProgressExpiration).toBeGreaterThanOrEqual(end);
    expect(record?.inProgressExpiration).toBeLessThan(end + 60_000);

    const results = await Promise.all(runs);
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'skipped']);
    const done = ran(results.find((r) => r.status === 'done') ?? duplicate);
    expect(done.counts.repair).toBe(1);
    expect(sendCommands() - before).toBe(1);
    expect(commandsTo(host)).toBe(1);
    expect(await failures(host)).toBe(1);
    expect(messages(logger)).toContain(
      'duplicate invocation skipped: the same run is in progress in another invocation',
    );
    // Once the run finished, a third delivery answers its result.
    expect(await handler(input, checkContext())).toEqual(done);
    expect((await world.idempotencyItems(idempotencyTable)).map((r) => r.status)).toEqual(['COMPLETED']);
  });

  it('runs again for the next scheduled time', async () => {
    const host = await world.newHost();
    const { handler } = await world.checkFunction([host]);
    const before = sendCommands();
    const first = ran(await handler(scheduled('2025-03-22T19:05:00Z'), checkContext()));
    const next = ran(await handler(scheduled('2025-03-22T19:10:00Z'), checkContext()));
    expect(next.correlationId).not.toBe(first.correlationId);
    expect(sendCommands() - before).toBe(2);
    expect(commandsTo(host)).toBe(2);
    expect(await failures(host)).toBe(2);
  });

  it('takes two spellings of one scheduled time as one run', async () => {
    const host = await world.newHost();
    const { handler } = await world.checkFunction([host]);
    const before = sendCommands();
    const first = ran(await handler(scheduled('2025-03-22T19:15:00Z'), checkContext()));
    expect(await handler(scheduled('2025-03-22T21:15:00.000+02:00'), checkContext())).toEqual(first);
    expect(sendCommands() - before).toBe(1);
  });

  it('collects a continuation once when its Check Continue event arrives twice', async () => {
    const host = await world.newHost({ latencyMs: 1_500 });
    await writeFile(join(host.dir, 'up'), '');
    const { handler } = await world.checkFunction([host], { marginMs: 1_000 });
    // 300 ms to spare after the margin: the host answers later, and a continuation collects the result.
    const started = ran(await handler(scheduled('2025-03-22T19:20:00Z'), checkContext(1_300)));
    expect(started).toMatchObject({ continued: true, pending: 1, continuation: 0 });
    const [message] = await world.bus.receive('check', 1);
    if (message === undefined) throw new Error('no Check Continue event');
    const event = busEvent(message);
    expect(event['detail-type']).toBe(HEALOPS_DETAIL_TYPES.checkContinue);

    const resumed = ran(await handler(event, checkContext()));
    expect(resumed).toMatchObject({ continued: false, pending: 0, continuation: 1, errors: [] });
    expect(resumed.counts.ok).toBe(1);
    // Delivered again, and the same continuation put on the bus a second time (a new event id).
    expect(await handler(event, checkContext())).toEqual(resumed);
    expect(await handler({ ...event, id: randomUUID() }, checkContext())).toEqual(resumed);
    expect(commandsTo(host)).toBe(1);
  });

  it('keeps the first errors in the result (the log has all), so a run with many still stores its record', async () => {
    const hosts = await Promise.all(
      Array.from({ length: CHECK_DEFAULTS.resultErrors + 1 }, () => world.newHost()),
    );
    // Every state write fails: each result is an error.
    const failingSaves = (store: DynamoStore): StateStore & AuditLog =>
      new Proxy(store, {
        get(target, property) {
          if (property === 'save')
            return () => Promise.reject(new Error('injected: the state table refuses writes'));
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const { handler, logger } = await world.checkFunction(hosts, { store: failingSaves });
    const input = scheduled('2025-03-22T19:25:00Z');
    const first = ran(await handler(input, checkContext()));
    expect(first.errorCount).toBe(hosts.length);
    expect(first.errors).toHaveLength(CHECK_DEFAULTS.resultErrors);
    expect(first.counts.error).toBe(hosts.length);
    expect(messages(logger).filter((m) => m === 'a result was not processed')).toHaveLength(hosts.length);
    const before = sendCommands();
    expect(await handler(input, checkContext())).toEqual(first);
    expect(sendCommands()).toBe(before);
  });

  it('runs a manual invoke without scheduledTime every time, and logs that it has no idempotency', async () => {
    const host = await world.newHost();
    const { handler, logger } = await world.checkFunction([host]);
    const before = sendCommands();
    const input = { package: PACKAGE, schedule: CHECK_SCHEDULE };
    ran(await handler(input, checkContext()));
    ran(await handler(input, checkContext()));
    expect(sendCommands() - before).toBe(2);
    expect(await failures(host)).toBe(2);
    const warnings = logger.entries().filter((e) => e.level === 'WARN');
    expect(warnings.map((e) => e.message)).toEqual([
      'a scheduled invocation without scheduledTime (a manual invoke?) runs without idempotency: a duplicate of it runs again',
      'a scheduled invocation without scheduledTime (a manual invoke?) runs without idempotency: a duplicate of it runs again',
    ]);
  });

  it.each([
    ['a word', 'yesterday'],
    ['a date without a time', '2025-03-22'],
    ['the placeholder Scheduler did not fill in', SCHEDULER_SCHEDULED_TIME],
    ['a month that does not exist', '2025-13-01T00:00:00Z'],
  ])('refuses %s as scheduledTime, naming the field', async (_name, time) => {
    const result = scheduledCheckSchema.safeParse({
      package: PACKAGE,
      schedule: CHECK_SCHEDULE,
      scheduledTime: time,
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['scheduledTime']]);
    const { handler, logger } = await world.checkFunction([]);
    const before = sendCommands();
    const refusal = new CheckInputError(
      "the check function's input is not valid: scheduledTime: Invalid ISO datetime",
    );
    await expect(handler(scheduled(time), checkContext())).rejects.toThrow(refusal);
    expect(sendCommands()).toBe(before);
    const errors = logger.entries().filter((e) => e.level === 'ERROR');
    expect(errors.map((e) => [e.message, e.reason])).toEqual([['check invocation failed', refusal.message]]);
  });
});
