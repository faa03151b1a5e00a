import { describe, expect, it } from 'vitest';
import { HealOpsError } from '../src/errors.js';
import { PerfdataError } from '../src/nagios/errors.js';
import { parseRange, rangeAlerts } from '../src/nagios/range.js';

const INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

describe('parseRange', () => {
  it.each([
    { text: '10', start: 0, end: 10, inside: false },
    { text: '10:', start: 10, end: INF, inside: false },
    { text: '~:10', start: NEG_INF, end: 10, inside: false },
    { text: '10:20', start: 10, end: 20, inside: false },
    { text: '@10:20', start: 10, end: 20, inside: true },
    { text: '@10', start: 0, end: 10, inside: true },
    { text: '@~:0', start: NEG_INF, end: 0, inside: true },
    { text: ':10', start: 0, end: 10, inside: false },
    { text: '~:', start: NEG_INF, end: INF, inside: false },
    { text: '0', start: 0, end: 0, inside: false },
    { text: '-10:-5', start: -10, end: -5, inside: false },
    { text: '-10:', start: -10, end: INF, inside: false },
    { text: '-5:5', start: -5, end: 5, inside: false },
    { text: '2.5:7.25', start: 2.5, end: 7.25, inside: false },
    { text: '.5', start: 0, end: 0.5, inside: false },
    { text: '15.000', start: 0, end: 15, inside: false },
    { text: '0,5:1,5', start: 0.5, end: 1.5, inside: false },
    { text: '1e3', start: 0, end: 1000, inside: false },
    { text: '1.5E-3:2e+1', start: 0.0015, end: 20, inside: false },
    { text: '+3:+4', start: 3, end: 4, inside: false },
    { text: '10:10', start: 10, end: 10, inside: false },
  ])('reads `$text` as $start..$end (inside: $inside)', ({ text, start, end, inside }) => {
    expect(parseRange(text)).toEqual({ start, end, inside, text });
  });

  it('ignores surrounding whitespace and keeps the trimmed text', () => {
    expect(parseRange('  @1:2 ')).toEqual({ start: 1, end: 2, inside: true, text: '@1:2' });
  });

  it.each([
    { text: '', reason: /empty/ },
    { text: '   ', reason: /empty/ },
    { text: '@', reason: /empty/ },
    { text: ':', reason: /neither start nor end/ },
    { text: '20:10', reason: /start 20 is greater than end 10/ },
    { text: '-10', reason: /start 0 is greater than end -10/ },
    { text: '@5:-5', reason: /start 5 is greater than end -5/ },
    { text: 'abc', reason: /'abc' is not a number/ },
    { text: '10:abc', reason: /'abc' is not a number/ },
    { text: 'x:10', reason: /start 'x' is not a number/ },
    { text: '~', reason: /negative infinity/ },
    { text: '10:~', reason: /negative infinity/ },
    { text: '1:2:3', reason: /'2:3' is not a number/ },
    { text: '@@1:2', reason: /start '@1' is not a number/ },
    { text: '10MB', reason: /'10MB' is not a number/ },
    { text: '1e999', reason: /'1e999' is not a number/ },
    { text: 'Infinity', reason: /not a number/ },
    { text: 'NaN', reason: /not a number/ },
    { text: '0x10', reason: /not a number/ },
    { text: '1 0', reason: /not a number/ },
  ])('rejects `$text`', ({ text, reason }) => {
    let thrown: unknown;
    try {
      parseRange(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PerfdataError);
    expect(thrown).toBeInstanceOf(HealOpsError);
    expect((thrown as PerfdataError).name).toBe('PerfdataError');
    expect((thrown as PerfdataError).message).toMatch(reason);
  });
});

describe('rangeAlerts', () => {
  it.each([
    // Plain ranges alert outside start..end; the endpoints themselves are fine.
    { range: '10', value: -1, alerts: true },
    { range: '10', value: 0, alerts: false },
    { range: '10', value: 10, alerts: false },
    { range: '10', value: 10.01, alerts: true },
    { range: '10:', value: 9.99, alerts: true },
    { range: '10:', value: 10, alerts: false },
    { range: '10:', value: 1e12, alerts: false },
    { range: '~:10', value: -1e12, alerts: false },
    { range: '~:10', value: 10, alerts: false },
    { range: '~:10', value: 11, alerts: true },
    { range: '10:20', value: 9, alerts: true },
    { range: '10:20', value: 15, alerts: false },
    { range: '10:20', value: 21, alerts: true },
    { range: '-10:-5', value: -7, alerts: false },
    { range: '-10:-5', value: -4, alerts: true },
    { range: '~:', value: -1e300, alerts: false },
    // `@` ranges alert inside start..end, endpoints included.
    { range: '@10:20', value: 9, alerts: false },
    { range: '@10:20', value: 10, alerts: true },
    { range: '@10:20', value: 15, alerts: true },
    { range: '@10:20', value: 20, alerts: true },
    { range: '@10:20', value: 20.5, alerts: false },
    { range: '@10', value: 0, alerts: true },
    { range: '@10', value: -0.5, alerts: false },
    { range: '@~:0', value: -3, alerts: true },
    { range: '@~:', value: 42, alerts: true },
  ])('range `$range` with value $value alerts: $alerts', ({ range, value, alerts }) => {
    expect(rangeAlerts(parseRange(range), value)).toBe(alerts);
  });

  it.each(['10', '@10', '~:', '@~:'])('never alerts on NaN for `%s`', (range) => {
    expect(rangeAlerts(parseRange(range), Number.NaN)).toBe(false);
  });
});
