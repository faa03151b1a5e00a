import { describe, expect, it } from 'vitest';
import { decodeOutput, OutputCapture, utf8SafeEnd } from '../src/index.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('utf8SafeEnd', () => {
  it.each([
    { name: 'empty', input: bytes(), expected: 0 },
    { name: 'ascii', input: bytes(0x61, 0x62), expected: 2 },
    { name: 'whole 2-byte char at end', input: bytes(0x61, 0xc3, 0xa9), expected: 3 },
    { name: 'lead byte of 2-byte char cut', input: bytes(0x61, 0xc3), expected: 1 },
    { name: '3-byte char cut after 2', input: bytes(0x61, 0xe2, 0x80), expected: 1 },
    { name: '4-byte char cut after 3', input: bytes(0x61, 0xf0, 0x9f, 0x98), expected: 1 },
    { name: 'whole 4-byte char', input: bytes(0xf0, 0x9f, 0x98, 0x80), expected: 4 },
    { name: 'stray continuation bytes', input: bytes(0x80, 0x80, 0x80, 0x80, 0x80), expected: 5 },
    { name: 'invalid lead byte', input: bytes(0x61, 0xff), expected: 2 },
  ])('$name → $expected', ({ input, expected }) => {
    expect(utf8SafeEnd(input)).toBe(expected);
  });
});

describe('decodeOutput', () => {
  it.each([
    { name: 'valid text', input: bytes(0x6f, 0x6b), text: 'ok', binary: false },
    { name: 'multi-byte text', input: bytes(0xc3, 0xa9), text: 'é', binary: false },
    { name: 'invalid byte', input: bytes(0x61, 0xff), text: 'a\uFFFD', binary: true },
    { name: 'NUL byte', input: bytes(0x61, 0x00), text: 'a\u0000', binary: true },
    { name: 'byte order mark is kept', input: bytes(0xef, 0xbb, 0xbf, 0x61), text: '\uFEFFa', binary: false },
  ])('$name', ({ input, text, binary }) => {
    expect(decodeOutput(input)).toEqual({ text, binary });
  });
});

describe('OutputCapture', () => {
  it.each([
    { name: 'under the cap', cap: 10, chunks: ['abc', 'def'], kept: 'abcdef', truncated: false },
    { name: 'exactly the cap', cap: 6, chunks: ['abc', 'def'], kept: 'abcdef', truncated: false },
    { name: 'cut inside a chunk', cap: 4, chunks: ['abc', 'def'], kept: 'abcd', truncated: true },
    {
      name: 'chunks after the cap discarded',
      cap: 3,
      chunks: ['abc', 'def', 'ghi'],
      kept: 'abc',
      truncated: true,
    },
    { name: 'zero cap', cap: 0, chunks: ['a'], kept: '', truncated: true },
    { name: 'char split across the cap', cap: 2, chunks: ['a', 'é'], kept: 'a', truncated: true },
  ])('$name', ({ cap, chunks, kept, truncated }) => {
    const capture = new OutputCapture(cap);
    for (const chunk of chunks) capture.push(Buffer.from(chunk));
    expect(capture.bytes().toString('utf8')).toBe(kept);
    expect(capture.truncated).toBe(truncated);
  });
});
