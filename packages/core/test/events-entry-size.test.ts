import { describe, expect, it } from 'vitest';
import { putEventsBatches, putEventsEntrySize } from '../src/events/entry-size.js';
import { EVENT_LIMITS } from '../src/events/limits.js';

describe('putEventsEntrySize', () => {
  it.each([
    {
      name: 'source and detail-type only',
      entry: { Source: 'healops', DetailType: 'HealOps Recovered' },
      size: 24,
    },
    {
      name: 'a Time counts 14 bytes, whatever the date',
      entry: { Source: 'healops', DetailType: 'X', Time: new Date('2026-03-01T10:00:00Z') },
      size: 7 + 1 + 14,
    },
    {
      name: 'the detail in UTF-8 bytes',
      entry: { Source: 'a', DetailType: 'b', Detail: '{"k":"é€😀"}' },
      size: 2 + 8 + 2 + 3 + 4,
    },
    {
      name: 'each resource',
      entry: {
        Source: 'a',
        DetailType: 'b',
        Resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-1', 'ü'],
      },
      size: 2 + 47 + 2,
    },
  ])('counts $name', ({ entry, size }) => {
    expect(putEventsEntrySize(entry)).toBe(size);
  });
});

describe('putEventsBatches', () => {
  const sizes = (batches: number[][]) => batches.map((b) => b.length);

  it('puts at most 10 entries in a request', () => {
    const entries = Array.from({ length: 25 }, () => 100);
    expect(sizes(putEventsBatches(entries, (n) => n))).toEqual([10, 10, 5]);
  });

  it('starts a new request before the total would reach 256 KB, keeping the order', () => {
    const kb = 1024;
    const entries = [100 * kb, 100 * kb, 56 * kb, 1, 200 * kb, 60 * kb];
    const batches = putEventsBatches(entries, (n) => n);
    expect(batches).toEqual([[100 * kb, 100 * kb], [56 * kb, 1], [200 * kb], [60 * kb]]);
    for (const batch of batches) {
      expect(batch.reduce((a, b) => a + b, 0)).toBeLessThan(EVENT_LIMITS.requestBytes);
    }
  });

  it('sends an entry too large for any request alone (EventBridge refuses it; the others still go)', () => {
    expect(putEventsBatches([10, 300 * 1024, 10], (n) => n)).toEqual([[10], [300 * 1024], [10]]);
  });

  it('makes no request for no entries', () => {
    expect(putEventsBatches([], (n: number) => n)).toEqual([]);
  });
});
