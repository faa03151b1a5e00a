import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from '../src/ssm/base64.js';
import { SsmEnvError } from '../src/ssm/errors.js';
import { decodeSsmJobEnv, ssmJobEnv, ssmStdin } from '../src/ssm/job-env.js';
import { sha256Hex } from '../src/ssm/sha256.js';

const SECRET = 'hunter2-token-value';

describe('ssmJobEnv', () => {
  it('round-trips values with quotes, newlines, $() and backticks', () => {
    const env = {
      HEALOPS_PACKAGE: 'web',
      HEALOPS_PARAM_URL: "https://x/?a='1'&b=$(id)`id`",
      HEALOPS_CHECK_OUTPUT: 'CRITICAL - down\nline 2\n',
      HEALOPS_EMPTY: '',
      HEALOPS_UNICODE: 'héllo ✓ 😀',
    };
    expect(decodeSsmJobEnv(ssmJobEnv(env))).toEqual(env);
  });

  it('produces only base64, the only thing the document lets through', () => {
    expect(ssmJobEnv({ HEALOPS_X: "'; rm -rf / #" })).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  });

  it('encodes equal environments equally, whatever the key order', () => {
    expect(ssmJobEnv({ HEALOPS_A: '1', HEALOPS_B: '2' })).toBe(ssmJobEnv({ HEALOPS_B: '2', HEALOPS_A: '1' }));
  });

  it.each(['PATH', 'LD_PRELOAD', 'healops_x', 'HEALOPS_', 'HEALOPS_A-B', 'HEALOPS_A B', 'BASH_ENV'])(
    'refuses the name %s, naming it but never the value',
    (name) => {
      const attempt = () => ssmJobEnv({ HEALOPS_OK: 'x', [name]: SECRET });
      expect(attempt).toThrow(SsmEnvError);
      expect(attempt).toThrow(JSON.stringify(name));
      expect(attempt).not.toThrow(SECRET);
    },
  );

  it('rejects a malformed parameter without echoing it', () => {
    expect(() => decodeSsmJobEnv('not base64!')).toThrow(SsmEnvError);
    const bad = base64Encode(`PATH=${base64Encode(SECRET)}\n`);
    expect(() => decodeSsmJobEnv(bad)).toThrow(/line 1/);
    expect(() => decodeSsmJobEnv(bad)).not.toThrow(SECRET);
  });
});

describe('ssmStdin, base64 and sha256', () => {
  it.each(['', 'a', 'ab', 'abc', '{"status":"critical"}\n', 'héllo ✓ 😀'.repeat(50)])(
    'encode %j as Node does',
    (text) => {
      expect(ssmStdin(text)).toBe(Buffer.from(text).toString('base64'));
      expect(base64Decode(base64Encode(text))).toBe(text);
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    },
  );

  it('hashes inputs around the 64-byte block boundary as node:crypto does', () => {
    for (const length of [55, 56, 63, 64, 65, 119, 120, 1000]) {
      const text = 'x'.repeat(length);
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('rejects text that is not canonical base64', () => {
    expect(base64Decode('abc')).toBeUndefined();
    expect(base64Decode('ab$=')).toBeUndefined();
  });
});
