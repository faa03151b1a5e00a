import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseSecretRef } from '@healops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MotoServer } from '../../../test/support/moto.js';
import { AwsSecretResolver, type AwsSecretResolverOptions, SecretUnavailableError } from '../src/index.js';

// AwsSecretResolver through Powertools Parameters and the real AWS SDK against moto_server (PyPI moto[server] in
// the project .venv, see .ci/install-test-peers). Without moto every test here fails with how to install it.

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };

const SSM_TOKEN = { name: '/healops/influx/token', value: 'ssm-token-4f9a' };
const SM_TOKEN = { name: 'healops/influx', value: 'sm-token-7c21' };
const SM_BINARY = { name: 'healops/binary-text', value: 'binary-token-55e0' };
const SM_NOT_TEXT = { name: 'healops/binary-junk', bytes: new Uint8Array([0xff, 0xfe, 0x00, 0xc3]) };
const SSM_ROTATED = { name: '/healops/rotated', first: 'rotated-one', second: 'rotated-two' };

let moto: MotoServer | undefined;
let setupError: unknown;
let ssm: SSMClient | undefined;
let secrets: SecretsManagerClient | undefined;

beforeAll(async () => {
  try {
    moto = await MotoServer.start();
    const config = { region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS };
    ssm = new SSMClient(config);
    secrets = new SecretsManagerClient(config);
    await ssm.send(
      new PutParameterCommand({ Name: SSM_TOKEN.name, Value: SSM_TOKEN.value, Type: 'SecureString' }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: SSM_ROTATED.name, Value: SSM_ROTATED.first, Type: 'SecureString' }),
    );
    await secrets.send(new CreateSecretCommand({ Name: SM_TOKEN.name, SecretString: SM_TOKEN.value }));
    await secrets.send(
      new CreateSecretCommand({
        Name: SM_BINARY.name,
        SecretBinary: new TextEncoder().encode(SM_BINARY.value),
      }),
    );
    await secrets.send(new CreateSecretCommand({ Name: SM_NOT_TEXT.name, SecretBinary: SM_NOT_TEXT.bytes }));
  } catch (error) {
    setupError = error;
  }
});

afterAll(async () => {
  ssm?.destroy();
  secrets?.destroy();
  await moto?.stop();
});

function server(): MotoServer {
  if (setupError !== undefined) throw setupError;
  if (moto === undefined) throw new Error('moto did not start');
  return moto;
}

function clients(): Pick<AwsSecretResolverOptions, 'ssm' | 'secretsManager'> {
  const clientConfig = { region: REGION, endpoint: server().endpoint, credentials: CREDENTIALS };
  return { ssm: { clientConfig }, secretsManager: { clientConfig } };
}

async function failure(resolver: AwsSecretResolver, text: string): Promise<SecretUnavailableError> {
  const error: unknown = await resolver.resolve(parseSecretRef(text)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretUnavailableError);
  return error as SecretUnavailableError;
}

const STORED_VALUES = [
  SSM_TOKEN.value,
  SM_TOKEN.value,
  SM_BINARY.value,
  SSM_ROTATED.first,
  SSM_ROTATED.second,
];

describe('AwsSecretResolver against moto', () => {
  it('moto keeps the SSM parameter encrypted: a read without decryption does not return the plain value', async () => {
    server();
    const { Parameter } = await (ssm as SSMClient).send(new GetParameterCommand({ Name: SSM_TOKEN.name }));
    expect(Parameter?.Type).toBe('SecureString');
    expect(Parameter?.Value).not.toBe(SSM_TOKEN.value);
  });

  it.each([
    ['ssm:/healops/influx/token', SSM_TOKEN.value],
    ['secretsmanager:healops/influx', SM_TOKEN.value],
    ['secretsmanager:healops/binary-text', SM_BINARY.value],
  ])('resolves %s to the stored (decrypted) value', async (text, expected) => {
    const resolver = new AwsSecretResolver(clients());
    expect(await resolver.resolve(parseSecretRef(text))).toBe(expected);
  });

  it('resolves env: references from the environment it is given', async () => {
    const resolver = new AwsSecretResolver({ ...clients(), env: { INFLUX_TOKEN: 'env-token-1' } });
    expect(await resolver.resolve(parseSecretRef('env:INFLUX_TOKEN'))).toBe('env-token-1');
  });

  it.each([
    ['ssm:/healops/missing', 'ssm:/healops/missing: SSM parameter /healops/missing does not exist'],
    [
      'secretsmanager:healops/missing',
      'secretsmanager:healops/missing: Secrets Manager secret healops/missing does not exist',
    ],
    [
      'env:HEALOPS_UNSET_VARIABLE',
      'env:HEALOPS_UNSET_VARIABLE: environment variable HEALOPS_UNSET_VARIABLE is not set',
    ],
    [
      'secretsmanager:healops/binary-junk',
      'secretsmanager:healops/binary-junk: Secrets Manager secret healops/binary-junk holds binary data, not UTF-8 text',
    ],
  ])('refuses %s with an error naming the reference', async (text, message) => {
    const resolver = new AwsSecretResolver({ ...clients(), env: {} });
    expect((await failure(resolver, text)).message).toBe(message);
  });

  it('names the reference and the SDK error, never a stored value, when the store cannot be asked', async () => {
    const resolver = new AwsSecretResolver({
      ssm: {
        clientConfig: {
          region: REGION,
          endpoint: 'http://127.0.0.1:9',
          credentials: CREDENTIALS,
          maxAttempts: 1,
        },
      },
    });
    const error = await failure(resolver, 'ssm:/healops/influx/token');
    expect(error.message).toMatch(
      /^ssm:\/healops\/influx\/token: SSM parameter \/healops\/influx\/token could not be read: /,
    );
    expect(error.cause).toBeDefined();
    for (const value of STORED_VALUES) expect(error.message).not.toContain(value);
  });

  it('keeps a value cached for maxAgeSeconds, and fetches again every time with 0', async () => {
    const cached = new AwsSecretResolver({ ...clients(), maxAgeSeconds: 3600 });
    const uncached = new AwsSecretResolver({ ...clients(), maxAgeSeconds: 0 });
    const ref = parseSecretRef(`ssm:${SSM_ROTATED.name}`);
    expect(await cached.resolve(ref)).toBe(SSM_ROTATED.first);
    expect(await uncached.resolve(ref)).toBe(SSM_ROTATED.first);
    await (ssm as SSMClient).send(
      new PutParameterCommand({
        Name: SSM_ROTATED.name,
        Value: SSM_ROTATED.second,
        Type: 'SecureString',
        Overwrite: true,
      }),
    );
    expect(await cached.resolve(ref)).toBe(SSM_ROTATED.first);
    expect(await uncached.resolve(ref)).toBe(SSM_ROTATED.second);
  });
});

describe('AwsSecretResolver with Powertools default providers (as a Lambda uses it)', () => {
  const saved = new Map<string, string | undefined>();
  const setEnv = (values: Record<string, string>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (!saved.has(key)) saved.set(key, process.env[key]);
      process.env[key] = value;
    }
  };

  afterEach(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    saved.clear();
  });

  it('resolves ssm: and secretsmanager: through getParameter/getSecret configured by the SDK environment', async () => {
    setEnv({
      AWS_ENDPOINT_URL: server().endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    const resolver = new AwsSecretResolver();
    expect(await resolver.resolve(parseSecretRef(`ssm:${SSM_TOKEN.name}`))).toBe(SSM_TOKEN.value);
    expect(await resolver.resolve(parseSecretRef(`secretsmanager:${SM_TOKEN.name}`))).toBe(SM_TOKEN.value);
  });
});
