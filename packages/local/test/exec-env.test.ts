import { describe, expect, it } from 'vitest';
import { buildExecEnv, DEFAULT_PATH } from '../src/index.js';

interface EnvCase {
  readonly name: string;
  readonly extra: Record<string, string>;
  readonly source: Record<string, string | undefined>;
  readonly expected: Record<string, string>;
}

describe('buildExecEnv', () => {
  it.each<EnvCase>([
    {
      name: 'default PATH when none is inherited',
      extra: {},
      source: {},
      expected: { PATH: DEFAULT_PATH },
    },
    {
      name: 'inherits listed variables only',
      extra: {},
      source: { PATH: '/bin', HOME: '/root', GITHUB_TOKEN: 'x', AWS_SESSION_TOKEN: 'y', LC_ALL: 'C' },
      expected: { PATH: '/bin', HOME: '/root', LC_ALL: 'C' },
    },
    {
      name: 'request env added and overriding the base',
      extra: { PATH: '/opt/bin', CHECK_WARN: '80' },
      source: { PATH: '/bin', TZ: 'UTC' },
      expected: { PATH: '/opt/bin', TZ: 'UTC', CHECK_WARN: '80' },
    },
    {
      name: 'empty inherited PATH replaced by the default',
      extra: {},
      source: { PATH: '' },
      expected: { PATH: DEFAULT_PATH },
    },
  ])('$name', ({ extra, source, expected }) => {
    expect(buildExecEnv(extra, source)).toEqual(expected);
  });
});
