import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import { BufferedSink } from '../src/metrics/buffered-sink.js';
import type { BatchTransport, DeliveryResult } from '../src/metrics/ports.js';
import type { MetricPoint } from '../src/model/results.js';
import { ManualClock } from './support/doubles.js';
import { MemoryOutbox } from './support/memory-outbox.js';

function points(n: number, start = 0): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, start + i)).toISOString(),
    name: 'healops.check.status',
    value: (start + i) % 4,
    unit: '',
    dimensions: { package: 'p', check: 'c', target: 'local', environment: 'test' },
  }));
}

/** Records every batch; fails on demand. */
class FakeStore implements BatchTransport {
  readonly batches: MetricPoint[][] = [];
  failures: Array<TransportError | undefined> = [];
  rejectIndexes: number[] = [];
  constructor(readonly maxBatch = 10) {}
  async send(batch: readonly MetricPoint[]): Promise<DeliveryResult> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push([...batch]);
    return { rejected: this.rejectIndexes.map((index) => ({ index, reason: 'bad value' })) };
  }
  get delivered(): number {
    return this.batches.reduce((n, b) => n + b.length, 0);
  }
}

function setup(maxBuffer = 1000) {
  const store = new FakeStore();
  const outbox = new MemoryOutbox();
  const clock = new ManualClock();
  const problems: string[] = [];
  const sink = new BufferedSink({
    name: 'tsdb',
    transport: store,
    outbox,
    clock,
    maxBuffer,
    backoff: { baseMs: 1000, maxMs: 8000 },
    onProblem: (m) => problems.push(m),
  });
  return { store, outbox, clock, sink, problems };
}

describe('BufferedSink', () => {
  it('queues on write and delivers on flush in batches of at most maxBatch', async () => {
    const t = setup();
    await t.sink.write(points(25));
    expect(t.store.batches).toEqual([]);
    await t.sink.flush();
    expect(t.store.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(t.store.batches.flat().map((p) => p.value)).toEqual(points(25).map((p) => p.value));
    expect(await t.sink.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('keeps everything while the store is down and delivers it all, in order, once it is back', async () => {
    const t = setup();
    await t.sink.write(points(5));
    t.store.failures = [new TransportError('connect ECONNREFUSED', { retryable: true })];
    await t.sink.flush();
    expect(t.store.delivered).toBe(0);
    expect(await t.sink.health()).toEqual({ pending: 5, dropped: 0 });
    await t.sink.write(points(5, 5));
    // Not yet due: backoff of 1 s after the first failure.
    await t.sink.flush();
    expect(t.store.delivered).toBe(0);
    t.clock.advance(1000);
    await t.sink.flush();
    expect(t.store.batches.flat().map((p) => p.time)).toEqual(points(10).map((p) => p.time));
    expect(t.problems.some((m) => m.includes('ECONNREFUSED'))).toBe(true);
  });

  it('a new process tries the oldest batch at once, whatever the backoff: the store may be back', async () => {
    const t = setup();
    await t.sink.write(points(3));
    t.store.failures = [new TransportError('down', { retryable: true })];
    await t.sink.flush();
    expect(t.store.delivered).toBe(0);
    const next = new BufferedSink({
      name: 'tsdb',
      transport: t.store,
      outbox: t.outbox,
      clock: t.clock,
      maxBuffer: 1000,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    await next.flush();
    expect(t.store.delivered).toBe(3);
  });

  it('acknowledges each delivered row: a later failure resends only what did not arrive', async () => {
    const t = setup();
    await t.sink.write(points(6));
    await t.sink.write(points(6, 6));
    t.store.failures = [undefined, new TransportError('503', { retryable: true })];
    await t.sink.flush();
    expect(t.store.delivered).toBe(6);
    expect(await t.sink.health()).toEqual({ pending: 6, dropped: 0 });
    t.clock.advance(1000);
    await t.sink.flush();
    expect(t.store.batches.flat().map((p) => p.time)).toEqual(points(12).map((p) => p.time));
  });

  it('never runs two flushes of one sink at once (no row is sent twice)', async () => {
    const t = setup();
    await t.sink.write(points(5));
    await Promise.all([t.sink.flush(), t.sink.flush(), t.sink.flush()]);
    expect(t.store.delivered).toBe(5);
  });

  it('waits at least as long as the store asked (Retry-After)', async () => {
    const t = setup();
    await t.sink.write(points(2));
    t.store.failures = [new TransportError('429', { retryable: true, retryAfterMs: 60_000 })];
    await t.sink.flush();
    expect((t.outbox.rows[0]?.nextAttemptAt ?? 0) - t.clock.now().getTime()).toBe(60_000);
  });

  it('splits a request the store finds too large (413) instead of dropping it', async () => {
    const t = setup();
    await t.sink.write(points(8));
    t.store.failures = [new TransportError('413', { retryable: false, tooLarge: true })];
    await t.sink.flush();
    expect(t.store.batches.map((b) => b.length)).toEqual([4, 4]);
    expect(await t.sink.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('keeps a whole result in one row and one request when the transport needs whole results', async () => {
    const t = setup();
    const wholeStore = Object.assign(t.store, { wholeResults: true });
    const sink = new BufferedSink({
      name: 'ts',
      transport: wholeStore,
      outbox: t.outbox,
      clock: t.clock,
      maxBuffer: 100,
    });
    const result = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map(
      (label) => ({ ...points(1)[0], name: `healops.perf.${label}` }) as MetricPoint,
    );
    await sink.write(result);
    await sink.flush();
    expect(t.store.batches.map((b) => b.length)).toEqual([12]);
  });

  it('backs off exponentially, capped', async () => {
    const t = setup();
    await t.sink.write(points(1));
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.store.failures = [new TransportError('503', { retryable: true })];
      await t.sink.flush();
      const row = t.outbox.rows[0];
      waits.push((row?.nextAttemptAt ?? 0) - t.clock.now().getTime());
      t.clock.advance(waits[i] ?? 0);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('drops a chunk the store refuses for good and counts it, without blocking the next', async () => {
    const t = setup();
    await t.sink.write(points(12));
    t.store.failures = [new TransportError('400 bad request', { retryable: false })];
    await t.sink.flush();
    expect(t.store.batches.map((b) => b.length)).toEqual([2]);
    expect(await t.sink.health()).toEqual({ pending: 0, dropped: 10 });
    expect(await t.sink.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('never splits the points of one result (same time and dimensions) across requests', async () => {
    const t = setup();
    const result = (second: number) =>
      ['a', 'b', 'c', 'd', 'e', 'f'].map(
        (label) => ({ ...points(1, second)[0], name: `healops.perf.${label}` }) as MetricPoint,
      );
    await t.sink.write(result(1));
    await t.sink.write(result(2));
    await t.sink.flush();
    expect(t.store.batches.map((b) => b.length)).toEqual([6, 6]);
  });

  it('counts points the store rejected one by one and keeps the rest delivered', async () => {
    const t = setup();
    t.store.rejectIndexes = [1];
    await t.sink.write(points(3));
    await t.sink.flush();
    expect(t.store.delivered).toBe(3);
    expect((await t.sink.health()).dropped).toBe(1);
    expect(t.problems.some((m) => m.includes('bad value'))).toBe(true);
  });

  it('is bounded: beyond maxBuffer the oldest points are dropped and counted', async () => {
    const t = setup(8);
    t.store.failures = [new TransportError('down', { retryable: true })];
    await t.sink.write(points(5));
    await t.sink.flush();
    await t.sink.write(points(5, 5));
    expect(await t.sink.health()).toEqual({ pending: 8, dropped: 2 });
    t.clock.advance(1000);
    await t.sink.flush();
    expect(t.store.batches.flat().map((p) => p.value)).toEqual(points(8, 2).map((p) => p.value));
  });
});
