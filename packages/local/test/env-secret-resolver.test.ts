import { parseSecretRef } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { EnvSecretResolver } from '../src/env-secret-resolver.js';

describe('EnvSecretResolver', () => {
  const resolver = new EnvSecretResolver({ INFLUX_TOKEN: 's3cr3t', EMPTY: '' });

  it('reads env: references from the environment', async () => {
    await expect(resolver.resolve(parseSecretRef('env:INFLUX_TOKEN'))).resolves.toBe('s3cr3t');
  });

  it.each([
    ['env:MISSING', /MISSING is not set/],
    ['env:EMPTY', /EMPTY is not set/],
    ['ssm:/healops/token', /resolved on AWS only/],
    ['secretsmanager:healops/jira', /resolved on AWS only/],
  ])('refuses %s with a clear message that never contains a value', async (text, message) => {
    const error = await resolver.resolve(parseSecretRef(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
