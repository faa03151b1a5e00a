import type { MetricPoint } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../shared/src/memory-outbox.js';

// The in-memory outbox behind the functions' remote sinks keeps the MetricsOutbox contract: bounded (oldest points
// dropped and counted), oldest first, waiting behind its oldest row's retry time unless asked to probe.

function points(count: number, from = 0): MetricPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)).toISOString(),
    name: 'healops.check.status',
    value: from + i,
    unit: '',
    dimensions: { check: 'up' },
  }));
}

const NOW = new Date('2026-01-01T01:00:00Z');

describe('MemoryOutbox', () => {
  it('drops the oldest points beyond the bound, counts them, and keeps sinks apart', async () => {
    const outbox = new MemoryOutbox();
    expect(await outbox.enqueue('a', points(3), 5)).toEqual({ dropped: 0 });
    expect(await outbox.enqueue('a', points(4, 3), 5)).toEqual({ dropped: 2 });
    expect(await outbox.enqueue('b', points(1), 5)).toEqual({ dropped: 0 });
    expect(await outbox.pending('a')).toBe(5);
    const due = await outbox.due('a', NOW, 10);
    expect(due.flatMap((b) => b.points.map((p) => p.value))).toEqual([2, 3, 4, 5, 6]);
    expect(await outbox.pending('b')).toBe(1);
  });

  it('holds every row behind the oldest one retry time, unless probing; ack removes a row', async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue('a', points(1), 100);
    await outbox.enqueue('a', points(1, 1), 100);
    const [first, second] = await outbox.due('a', NOW, 10);
    await outbox.retryLater('a', first?.id ?? 0, 'HTTP 503', new Date(NOW.getTime() + 5_000));
    expect(await outbox.due('a', NOW, 10)).toEqual([]);
    const probed = await outbox.due('a', NOW, 10, { ignoreBackoff: true });
    expect(probed.map((b) => [b.attempts, b.lastError])).toEqual([
      [1, 'HTTP 503'],
      [0, null],
    ]);
    expect(await outbox.due('a', new Date(NOW.getTime() + 5_000), 1)).toHaveLength(1);
    await outbox.ack('a', second?.id ?? 0);
    expect(await outbox.pending('a')).toBe(1);
  });

  it('treats a retry time beyond the longest wait as due (the clock went backwards)', async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue('a', points(1), 100);
    const [row] = await outbox.due('a', NOW, 10);
    await outbox.retryLater('a', row?.id ?? 0, 'timeout', new Date(NOW.getTime() + 2 * 60 * 60_000));
    expect(await outbox.due('a', NOW, 10)).toHaveLength(1);
  });
});
