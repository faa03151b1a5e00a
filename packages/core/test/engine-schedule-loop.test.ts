import { describe, expect, it } from 'vitest';
import type { CycleRequest } from '../src/engine/cycle.js';
import { runOnSchedule } from '../src/engine/schedule-loop.js';
import type { MetricsSink } from '../src/ports.js';
import { exec, ManualClock, MemorySink, MemoryStore, ScriptedExecutor } from './support/doubles.js';
import { makeCheck } from './support/fixtures.js';

describe('runOnSchedule', () => {
  it('runs each check on its own rate until aborted, then returns', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const executor = new ScriptedExecutor({ '/a': [exec(0, 'OK')], '/b': [exec(0, 'OK')] });
    const checks = [
      makeCheck({
        name: 'a',
        schedule: 'rate(1 minute)',
        command: { argv: ['/a'], fromPackage: true, display: '/a' },
      }),
      makeCheck({
        name: 'b',
        schedule: 'rate(5 minutes)',
        command: { argv: ['/b'], fromPackage: true, display: '/b' },
      }),
    ];
    const request: CycleRequest = {
      checks,
      skippedPackages: [],
      targets: ['local'],
      hostPlatform: 'linux',
      concurrency: 2,
      dryRun: false,
      maxOutputBytes: 1024,
    };
    const controller = new AbortController();
    const cycles: string[] = [];
    await runOnSchedule(
      { executor, state: store, audit: store, sinks: [new MemorySink()], clock },
      request,
      { stop: controller.signal },
      (report) => {
        cycles.push(report.results.map((r) => r.key.check).join('+'));
        if (clock.now().getTime() >= Date.parse('2026-01-01T00:10:00Z')) controller.abort();
      },
    );
    expect(executor.ran('/a')).toBe(11);
    expect(executor.ran('/b')).toBe(3);
    expect(cycles[0]).toBe('a+b');
  });

  it('keeps running due checks while a slow store holds up delivery; abort ends that delivery', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const executor = new ScriptedExecutor({ '/a': [exec(0, 'OK')] });
    let flushes = 0;
    const hanging: MetricsSink = {
      name: 'slow',
      write: async () => undefined,
      flush: (signal?: AbortSignal) => {
        flushes++;
        return new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      },
    };
    const stop = new AbortController();
    const abort = new AbortController();
    let cycles = 0;
    await runOnSchedule(
      { executor, state: store, audit: store, sinks: [hanging], clock },
      {
        checks: [
          makeCheck({
            name: 'a',
            schedule: 'rate(1 minute)',
            command: { argv: ['/a'], fromPackage: true, display: 'a' },
          }),
        ],
        skippedPackages: [],
        targets: ['local'],
        hostPlatform: 'linux',
        concurrency: 1,
        dryRun: false,
        maxOutputBytes: 1024,
      },
      { stop: stop.signal, abort: abort.signal },
      () => {
        cycles++;
        if (cycles === 3) {
          stop.abort();
          abort.abort();
        }
      },
    );
    expect(executor.ran('/a')).toBe(3);
    // One delivery was hanging the whole time; it was never started twice at once.
    expect(flushes).toBeGreaterThanOrEqual(1);
  });

  it('rejects a check whose schedule is invalid before running anything', async () => {
    const store = new MemoryStore();
    const executor = new ScriptedExecutor({});
    const request: CycleRequest = {
      checks: [makeCheck({ schedule: 'every 5 minutes' })],
      skippedPackages: [],
      targets: ['local'],
      hostPlatform: 'linux',
      concurrency: 1,
      dryRun: false,
      maxOutputBytes: 1024,
    };
    await expect(
      runOnSchedule(
        { executor, state: store, audit: store, sinks: [], clock: new ManualClock() },
        request,
        { stop: new AbortController().signal },
        () => undefined,
      ),
    ).rejects.toThrow(/every 5 minutes/);
    expect(executor.requests).toEqual([]);
  });
});
