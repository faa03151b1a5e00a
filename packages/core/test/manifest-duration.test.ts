import { describe, expect, it } from 'vitest';
import { DurationError, HealOpsError } from '../src/errors.js';
import { formatDuration, parseDuration } from '../src/manifest/duration.js';

describe('parseDuration', () => {
  it.each([
    { text: '500ms', ms: 500 },
    { text: '0s', ms: 0 },
    { text: '10s', ms: 10_000 },
    { text: '5m', ms: 300_000 },
    { text: '1h', ms: 3_600_000 },
    { text: '1d', ms: 86_400_000 },
    { text: '1h30m', ms: 5_400_000 },
    { text: '1m5ms', ms: 60_005 },
    { text: '2d3h4m5s6ms', ms: 183_845_006 },
    { text: '90s', ms: 90_000 },
    { text: '007s', ms: 7_000 },
  ])('reads `$text` as $ms ms', ({ text, ms }) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    { text: '10', reason: /invalid duration "10" \(a bare number is ambiguous/ },
    { text: '1.5', reason: /a bare number is ambiguous/ },
    { text: '10 secs', reason: /^invalid duration "10 secs" \(expected e\.g\. 500ms, 10s, 5m, 1h\)$/ },
    { text: '', reason: /invalid duration ""/ },
    { text: '10S', reason: /invalid duration "10S"/ },
    { text: '1.5h', reason: /invalid duration "1.5h"/ },
    { text: '-5s', reason: /invalid duration "-5s"/ },
    { text: '30m1h', reason: /invalid duration "30m1h"/ },
    { text: '1h1h', reason: /invalid duration "1h1h"/ },
    { text: ' 5s', reason: /invalid duration " 5s"/ },
    { text: '5w', reason: /invalid duration "5w"/ },
    { text: 'h', reason: /invalid duration "h"/ },
    { text: '99999999999999999d', reason: /too large/ },
  ])('rejects `$text`', ({ text, reason }) => {
    expect(() => parseDuration(text)).toThrow(reason);
  });

  it('throws a DurationError (a HealOpsError) that names the field when given', () => {
    const error = (() => {
      try {
        parseDuration('soon', 'checks[0].timeout');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DurationError);
    expect(error).toBeInstanceOf(HealOpsError);
    expect((error as Error).message).toBe(
      'checks[0].timeout: invalid duration "soon" (expected e.g. 500ms, 10s, 5m, 1h)',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    { ms: 0, text: '0s' },
    { ms: 500, text: '500ms' },
    { ms: 1_500, text: '1s500ms' },
    { ms: 60_000, text: '1m' },
    { ms: 5_400_000, text: '1h30m' },
    { ms: 90_061_001, text: '1d1h1m1s1ms' },
    { ms: -2_000, text: '-2s' },
  ])('writes $ms ms as `$text`', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([1, 999, 1_000, 59_999, 3_600_001, 86_400_000 * 3 + 7])(
    'round-trips %i ms through parseDuration',
    (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    },
  );
});
