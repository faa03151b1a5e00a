import { describe, expect, it } from 'vitest';
import type { BundlePackage } from '../src/deploy/bundle.js';
import type { HealOpsEvent } from '../src/events/healops-event.js';
import type { EventPublisher } from '../src/events/ports.js';
import { checkPackage } from '../src/fleet/check-package.js';
import type { FleetExecutor, FleetHandle, FleetPoll, FleetResult } from '../src/fleet/ports.js';
import { type FleetSettings, processFleetResults } from '../src/fleet/process-results.js';
import type { ResolvedCheck } from '../src/model/check.js';
import { exec, ManualClock, MemorySink, MemoryStore, ScriptedExecutor } from './support/doubles.js';
import { makeCheck } from './support/fixtures.js';

const NGINX = makeCheck({ name: 'nginx-up', env: { HEALOPS_PARAM_PORT: '80' } });
const DISK = makeCheck({ name: 'disk', repair: undefined, severity: 'warning' });
const APP = makeCheck({ name: 'app', dependsOn: ['nginx-up'] });

function bundlePackage(checks: readonly ResolvedCheck[] = [NGINX, DISK, APP]): BundlePackage {
  return {
    name: 'web',
    version: '1.0.0',
    document: { name: 'HealOps-web', versionName: '1.0.0-abc' },
    targets: { type: 'tags', tags: { Role: ['web'] } },
    blastRadius: { maxConcurrency: '10', maxErrors: '1' },
    checks,
  };
}

class MemoryPublisher implements EventPublisher {
  readonly events: HealOpsEvent[] = [];
  async publish(events: readonly HealOpsEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

/** Hands out scripted batches of results, one batch per poll; the handle empties when the batches run out. */
class FakeFleet implements FleetExecutor {
  readonly env = new Map<string, Readonly<Record<string, string>>>();
  polls = 0;
  constructor(private readonly batches: FleetResult[][]) {}
  async start(
    pkg: BundlePackage,
    checks: readonly ResolvedCheck[],
    env: (check: ResolvedCheck) => Readonly<Record<string, string>>,
  ): Promise<FleetHandle> {
    for (const check of checks) this.env.set(check.name, env(check));
    return {
      package: pkg.name,
      startedAt: AT,
      commands: checks.map((c) => ({
        check: c.name,
        commandId: `cmd-${c.name}`,
        targetCount: 2,
        requestedAt: AT,
      })),
    };
  }
  async poll(handle: FleetHandle): Promise<FleetPoll> {
    this.polls++;
    const results = this.batches.shift() ?? [];
    const left = this.batches.length;
    return { results, pending: left, handle: { ...handle, commands: left > 0 ? handle.commands : [] } };
  }
}

const AT = '2026-01-01T11:59:00.000Z';

function result(check: string, target: string, code: number | null, extra = {}, startedAt = AT): FleetResult {
  return { check, target, exec: exec(code, `${check} said ${code}`, extra), startedAt };
}

function setup() {
  const store = new MemoryStore();
  const sink = new MemorySink();
  const events = new MemoryPublisher();
  const clock = new ManualClock();
  const deps = {
    executor: new ScriptedExecutor({}),
    state: store,
    audit: store,
    sinks: [sink],
    clock,
    events,
  };
  const settings: FleetSettings = { dryRun: false, maxOutputBytes: 65_536, correlationId: 'corr-1' };
  return { store, sink, events, clock, deps, settings };
}

describe('processFleetResults', () => {
  it('saves a hard failure with a repair and publishes HealOps Check Failed for the repair function', async () => {
    const { deps, settings, store, events, sink } = setup();
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('nginx-up', 'i-1', 2),
      result('nginx-up', 'i-2', 0),
    ]);
    expect(report.counts).toMatchObject({ repair: 1, ok: 1, error: 0 });
    expect(report.published).toBe(1);
    const [event] = events.events;
    expect(event?.detailType).toBe('HealOps Check Failed');
    expect(event?.detail).toMatchObject({
      target: 'i-1',
      check: 'nginx-up',
      correlationId: 'corr-1',
      status: 'critical',
      stateVersion: 1,
      repair: { document: 'HealOps-web' },
    });
    const saved = await store.load({ package: 'web', check: 'nginx-up', target: 'i-1' });
    expect(saved).toMatchObject({
      version: 1,
      consecutiveFailures: 1,
      lastStatus: 'critical',
      lastRunAt: AT,
    });
    expect(sink.points.filter((p) => p.name === 'healops.check.status').map((p) => p.value)).toEqual([2, 0]);
  });

  it('publishes HealOps Escalated when a problem opens, and HealOps Recovered when it passes again', async () => {
    const { deps, settings, events } = setup();
    await processFleetResults(deps, settings, bundlePackage(), [result('disk', 'i-1', 2)]);
    const later = '2026-01-01T12:05:00.000Z';
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('disk', 'i-1', 0, {}, later),
    ]);
    expect(report.counts.recovered).toBe(1);
    expect(events.events.map((e) => e.detailType)).toEqual(['HealOps Escalated', 'HealOps Recovered']);
    expect(events.events[0]?.detail).toMatchObject({ reason: 'no-repair', target: 'i-1', occurrences: 1 });
    expect(events.events[1]?.detail).toMatchObject({ problem: { reason: 'no-repair' }, status: 'ok' });
  });

  it('never repairs or publishes for a host SSM could not reach (UNKNOWN)', async () => {
    const { deps, settings, events, store } = setup();
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('nginx-up', 'i-3', null, { spawnError: 'SSM TimedOut (DeliveryTimedOut): not run' }),
    ]);
    expect(report.counts.unknown).toBe(1);
    expect(events.events).toEqual([]);
    expect((await store.load({ package: 'web', check: 'nginx-up', target: 'i-3' }))?.lastStatus).toBe(
      'unknown',
    );
  });

  it('suppresses a child whose parent fails on the same host in the same batch', async () => {
    const { deps, settings, events } = setup();
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('app', 'i-1', 2),
      result('nginx-up', 'i-1', 2),
      result('app', 'i-2', 2),
    ]);
    expect(report.counts).toMatchObject({ suppressed: 1, repair: 2 });
    expect(events.events.map((e) => e.detail.dedupKey).sort()).toEqual([
      'healops/web/app/i-2',
      'healops/web/nginx-up/i-1',
    ]);
  });

  it('skips a result already recorded (a continuation handing it out again): no second save, no second event', async () => {
    const { deps, settings, events, store } = setup();
    const batch = [result('nginx-up', 'i-1', 2)];
    await processFleetResults(deps, settings, bundlePackage(), batch);
    const again = await processFleetResults(deps, settings, bundlePackage(), batch);
    expect(again.counts).toMatchObject({ replayed: 1, repair: 0 });
    expect(events.events).toHaveLength(1);
    expect((await store.load({ package: 'web', check: 'nginx-up', target: 'i-1' }))?.version).toBe(1);
  });

  it('reports a bad result and goes on with the others', async () => {
    const { deps, settings } = setup();
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('no-such-check', 'i-1', 0),
      result('nginx-up', 'i-1', 0),
    ]);
    expect(report.counts).toMatchObject({ error: 1, ok: 1 });
    expect(report.errors.join('\n')).toContain('package web has no check "no-such-check"');
  });

  it('keeps the results when the event bus fails, and reports it', async () => {
    const { deps, settings, store } = setup();
    const broken: EventPublisher = {
      publish: async () => {
        throw new Error('bus down');
      },
    };
    const report = await processFleetResults({ ...deps, events: broken }, settings, bundlePackage(), [
      result('nginx-up', 'i-1', 2),
    ]);
    expect(report.published).toBe(0);
    expect(report.errors).toEqual(['events: bus down']);
    expect((await store.load({ package: 'web', check: 'nginx-up', target: 'i-1' }))?.version).toBe(1);
  });

  it('sends Check Failed again on the next run when the bus lost it and the target still fails', async () => {
    const { deps, settings, store, events } = setup();
    const broken: EventPublisher = {
      publish: async () => {
        throw new Error('bus down');
      },
    };
    await processFleetResults({ ...deps, events: broken }, settings, bundlePackage(), [
      result('nginx-up', 'i-1', 2),
    ]);
    const later = '2026-01-01T12:04:00.000Z';
    const report = await processFleetResults(deps, settings, bundlePackage(), [
      result('nginx-up', 'i-1', 2, {}, later),
    ]);
    expect(report.counts.repair).toBe(1);
    expect(events.events.map((e) => e.detailType)).toEqual(['HealOps Check Failed']);
    expect(events.events[0]?.detail).toMatchObject({
      target: 'i-1',
      runAt: later,
      consecutiveFailures: 2,
      stateVersion: 2,
    });
    expect(await store.load({ package: 'web', check: 'nginx-up', target: 'i-1' })).toMatchObject({
      version: 2,
      repairLeaseUntil: null,
    });
  });
});

describe('checkPackage', () => {
  it('sends each check with its environment but no HEALOPS_TARGET, and processes results as they arrive', async () => {
    const { deps, settings, events, clock } = setup();
    const fleet = new FakeFleet([[result('nginx-up', 'i-1', 0)], [], [result('nginx-up', 'i-2', 2)]]);
    const run = await checkPackage({ ...deps, fleet }, settings, bundlePackage([NGINX]), {
      budgetMs: 60_000,
      pollIntervalMs: 1_000,
    });
    expect(fleet.env.get('nginx-up')).toEqual({
      HEALOPS_PARAM_PORT: '80',
      HEALOPS_PACKAGE: 'web',
      HEALOPS_CHECK: 'nginx-up',
      HEALOPS_ENVIRONMENT: 'test',
    });
    expect(run).toMatchObject({ pending: 0, report: { counts: { ok: 1, repair: 1 } } });
    expect(run.handle).toBeUndefined();
    expect(clock.slept).toEqual([1_000, 1_000]);
    expect(events.events).toHaveLength(1);
  });

  it('returns the handle when the budget ends with work pending, and a continuation finishes it', async () => {
    const { deps, settings } = setup();
    const fleet = new FakeFleet([[result('nginx-up', 'i-1', 0)], [], [], [result('nginx-up', 'i-2', 0)]]);
    const first = await checkPackage({ ...deps, fleet }, settings, bundlePackage([NGINX]), {
      budgetMs: 2_500,
      pollIntervalMs: 1_000,
    });
    expect(first.handle?.commands).toHaveLength(1);
    expect(first.pending).toBeGreaterThan(0);
    expect(first.report.counts.ok).toBe(1);
    const rest = await checkPackage({ ...deps, fleet }, settings, bundlePackage([NGINX]), {
      budgetMs: 60_000,
      pollIntervalMs: 1_000,
      ...(first.handle ? { handle: first.handle } : {}),
    });
    expect(rest.handle).toBeUndefined();
    expect(rest.report.counts.ok).toBe(1);
    expect(fleet.env.size).toBe(1);
  });
});
