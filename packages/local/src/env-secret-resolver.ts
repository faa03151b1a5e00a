import type { SecretRef, SecretResolver } from '@healops/core';
import { SecretUnavailableError } from './errors.js';

/**
 * Secrets for the local CLI: `env:NAME` from the environment. `ssm:` and `secretsmanager:` references are resolved
 * by the AWS runtime; locally they are refused with a clear message rather than silently read as empty.
 */
export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  async resolve(ref: SecretRef): Promise<string> {
    if (ref.source !== 'env') {
      throw new SecretUnavailableError(
        `${ref.text}: ${ref.source} secrets are resolved on AWS only; locally use env:NAME`,
      );
    }
    const value = this.env[ref.name];
    if (value === undefined || value === '') {
      throw new SecretUnavailableError(`${ref.text}: environment variable ${ref.name} is not set`);
    }
    return value;
  }
}
