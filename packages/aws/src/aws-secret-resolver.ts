import { getSecret, SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsProviderOptions } from '@aws-lambda-powertools/parameters/secrets/types';
import { getParameter, SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMProviderOptions } from '@aws-lambda-powertools/parameters/ssm/types';
import type { SecretRef, SecretResolver } from '@healops/core';
import { SecretUnavailableError } from './errors.js';

export interface AwsSecretResolverOptions {
  /**
   * Client for `ssm:` references, as Powertools takes it: `{ clientConfig }` (region, endpoint, credentials) or
   * `{ awsSdkV3Client }`. Default: Powertools' shared provider (`getParameter`) with the SDK's default configuration.
   */
  readonly ssm?: SSMProviderOptions;
  /** Client for `secretsmanager:` references, likewise. Default: Powertools' shared provider (`getSecret`). */
  readonly secretsManager?: SecretsProviderOptions;
  /** Seconds a fetched value stays cached (0: never). Default Powertools' (POWERTOOLS_PARAMETERS_MAX_AGE, else 5). */
  readonly maxAgeSeconds?: number;
  /** Where `env:` references are read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** SDK errors that mean "no such parameter / secret" rather than "could not ask". */
const NOT_FOUND_NAMES: ReadonlySet<string> = new Set(['ParameterNotFound', 'ResourceNotFoundException']);

/**
 * Secrets for the AWS runtime: `env:NAME` from the environment, `ssm:/path` as a decrypted SecureString through
 * Powertools Parameters, `secretsmanager:name` (SecretString, or SecretBinary holding UTF-8 text) through Powertools
 * Parameters. Values are cached as Powertools caches them. Every error names the reference as written, never a value.
 */
export class AwsSecretResolver implements SecretResolver {
  readonly #ssm: SSMProvider | undefined;
  readonly #secrets: SecretsProvider | undefined;
  readonly #maxAge: number | undefined;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(options: AwsSecretResolverOptions = {}) {
    this.#ssm = options.ssm === undefined ? undefined : new SSMProvider(options.ssm);
    this.#secrets =
      options.secretsManager === undefined ? undefined : new SecretsProvider(options.secretsManager);
    this.#maxAge = options.maxAgeSeconds;
    this.#env = options.env ?? process.env;
  }

  async resolve(ref: SecretRef): Promise<string> {
    switch (ref.source) {
      case 'env':
        return this.#fromEnv(ref);
      case 'ssm':
        return this.#fetch(ref, 'SSM parameter', () => {
          const options = { decrypt: true, maxAge: this.#maxAge };
          return this.#ssm === undefined ? getParameter(ref.name, options) : this.#ssm.get(ref.name, options);
        });
      case 'secretsmanager':
        return this.#fetch(ref, 'Secrets Manager secret', () => {
          const options = { maxAge: this.#maxAge };
          return this.#secrets === undefined
            ? getSecret(ref.name, options)
            : this.#secrets.get(ref.name, options);
        });
      default:
        throw new SecretUnavailableError(`${ref.text}: unknown secret source ${JSON.stringify(ref.source)}`);
    }
  }

  #fromEnv(ref: SecretRef): string {
    const value = this.#env[ref.name];
    if (value === undefined || value === '') {
      throw new SecretUnavailableError(`${ref.text}: environment variable ${ref.name} is not set`);
    }
    return value;
  }

  async #fetch(
    ref: SecretRef,
    what: string,
    get: () => Promise<string | Uint8Array | undefined>,
  ): Promise<string> {
    let value: string | Uint8Array | undefined;
    try {
      value = await get();
    } catch (error) {
      throw new SecretUnavailableError(describeFailure(ref, what, error), { cause: error });
    }
    if (value instanceof Uint8Array) {
      try {
        value = new TextDecoder('utf-8', { fatal: true }).decode(value);
      } catch (error) {
        throw new SecretUnavailableError(
          `${ref.text}: ${what} ${ref.name} holds binary data, not UTF-8 text`,
          {
            cause: error,
          },
        );
      }
    }
    if (value === undefined || value === '') {
      throw new SecretUnavailableError(`${ref.text}: ${what} ${ref.name} has no value`);
    }
    return value;
  }
}

/** The reference, then what the SDK said (its error name and message carry names and ARNs, never the value). */
function describeFailure(ref: SecretRef, what: string, error: unknown): string {
  const sdk = rootCause(error);
  const name = sdk instanceof Error ? sdk.name : 'Error';
  if (NOT_FOUND_NAMES.has(name)) return `${ref.text}: ${what} ${ref.name} does not exist`;
  const message = sdk instanceof Error ? sdk.message : String(sdk);
  return `${ref.text}: ${what} ${ref.name} could not be read: ${name}${message ? `: ${message}` : ''}`;
}

/** Powertools wraps the SDK's error (GetParameterError with `cause`); the innermost error is the informative one. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error) || current.cause === undefined) return current;
    current = current.cause;
  }
  return current;
}
