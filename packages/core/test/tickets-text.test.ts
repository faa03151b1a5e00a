import { describe, expect, it } from 'vitest';
import { fnv1a64, isHttpsUrl, isoTime, oneLine, truncate } from '../src/tickets/ticket-text.js';

describe('truncate', () => {
  it.each([
    ['fits', 'abc', 3, 'abc'],
    ['cut', 'abcdef', 4, 'abc…'],
    ['cut to one', 'abcdef', 1, '…'],
    ['zero', 'abc', 0, ''],
    ['surrogate pair on the cut', 'ab😀cd', 4, 'ab…'],
    ['surrogate pair before the cut', 'a😀bcd', 4, 'a😀…'],
  ])('%s', (_name, text, max, expected) => {
    const cut = truncate(text, max);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).not.toMatch(/\p{Cs}/u);
  });
});

describe('fnv1a64', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('matches the published FNV-1a 64 vector for %j', (text, hex) => {
    expect(fnv1a64(text)).toBe(hex);
  });
});

describe('oneLine, isHttpsUrl, isoTime', () => {
  it.each([
    ['a\nb', 'a b'],
    ['  a\r\n\r\nb\t ', 'a b'],
    ['a\u2028b', 'a b'],
  ])('oneLine(%j)', (text, expected) => {
    expect(oneLine(text)).toBe(expected);
  });

  it.each([
    ['https://x.example/a', true],
    ['HTTPS://X.EXAMPLE', true],
    ['http://x.example', false],
    ['ftp://x.example', false],
    ['//x.example', false],
    ['', false],
    [undefined, false],
  ])('isHttpsUrl(%j) is %s', (url, expected) => {
    expect(isHttpsUrl(url)).toBe(expected);
  });

  it.each([
    ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T11:00:00+01:00', '2026-03-01T10:00:00.000Z'],
    ['nope', undefined],
  ])('isoTime(%j)', (time, expected) => {
    expect(isoTime(time)).toBe(expected);
  });
});
