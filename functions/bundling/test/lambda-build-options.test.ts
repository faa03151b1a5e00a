import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_NAMES, lambdaBuildOptions } from '../src/lambda-build-options.js';
import { AwsStubEndpoint } from './support/aws-stub-endpoint.js';
import { invokeBundle } from './support/invoke-bundle.js';

const FUNCTIONS = fileURLToPath(new URL('../../', import.meta.url));
const CHUNKS_DIR = CHUNK_NAMES.split('/')[0] ?? 'chunks';

let outDir = '';
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'healops-build-options-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function bundleSdk(
  name: string,
  label: string,
  splitting: boolean,
): Promise<{ file: string; meta: Metafile }> {
  const file = join(outDir, label, 'index.mjs');
  const entry = join(FUNCTIONS, name, 'src/handler.ts');
  const result = await build(lambdaBuildOptions({ entry, outfile: file, sdk: 'bundled', splitting }));
  return { file, meta: result.metafile };
}

/** Inputs with code in `outputs` (every output when none named). */
function inputsIn(meta: Metafile, outputs?: readonly string[]): string[] {
  return Object.entries(meta.outputs)
    .filter(([path]) => outputs === undefined || outputs.includes(resolve(path)))
    .flatMap(([, output]) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
}

/** The entry and the chunks it imports statically: what an import of the entry loads at once. */
function loadedAtInit(meta: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const output = Object.entries(meta.outputs).find(([path]) => resolve(path) === file)?.[1];
    for (const imported of output?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(resolve(imported.path));
    }
  };
  visit(entry);
  return [...seen];
}

describe('lambdaBuildOptions with the SDK bundled', () => {
  it('takes the ES module build of the SDK clients, never their CommonJS build', async () => {
    const { meta } = await bundleSdk('check', 'check-one-file', false);
    const inputs = inputsIn(meta);

    expect(inputs.filter((input) => /node_modules\/@aws-sdk\/[^/]+\/dist-cjs\//.test(input))).toEqual([]);
    expect(inputs).toContainEqual(
      expect.stringMatching(/@aws-sdk\/client-ssm\/dist-es\/commands\/SendCommandCommand\.js$/),
    );
  });

  it('split: the entry loads the SSM commands the handler sends, and what only import() reaches on demand', async () => {
    const { file, meta } = await bundleSdk('check', 'check-split', true);
    const chunks = Object.keys(meta.outputs)
      .map((path) => resolve(path))
      .filter((path) => path !== file);

    expect(existsSync(file)).toBe(true);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.startsWith(join(outDir, 'check-split', CHUNKS_DIR)))).toBe(true);
    const atInit = inputsIn(meta, loadedAtInit(meta, file));
    const onDemand = inputsIn(meta).filter((input) => !atInit.includes(input));
    expect(atInit).toContainEqual(expect.stringMatching(/functions\/check\/src\/handler\.ts$/));
    expect(atInit).toContainEqual(
      expect.stringMatching(/client-ssm\/dist-es\/commands\/SendCommandCommand\.js$/),
    );
    expect(
      atInit.filter((input) => input.includes('client-ssm/dist-es/commands/DeleteDocumentCommand')),
    ).toEqual([]);
    expect(atInit.filter((input) => input.includes('@aws-sdk/credential-provider-sso/'))).toEqual([]);
    expect(onDemand).toContainEqual(expect.stringMatching(/@aws-sdk\/credential-provider-sso\/dist-es\//));
    expect(onDemand).toContainEqual(
      expect.stringMatching(/@aws-sdk\/nested-clients\/dist-es\/submodules\/sts\//),
    );
  });

  it.each([
    ['one file', false],
    ['split', true],
  ] as const)(
    '%s: the notify handler signs and sends its DynamoDB calls through the bundled SDK',
    async (label, splitting) => {
      const { file } = await bundleSdk('notify', `notify-${label.replace(' ', '-')}`, splitting);
      const bundlePath = join(outDir, `notify-${label.replace(' ', '-')}`, 'healops-bundle.json');
      await writeFile(bundlePath, JSON.stringify({ version: 1, packages: [], tickets: [] }));
      const stub = await AwsStubEndpoint.start();
      try {
        const answer = await invokeBundle(
          file,
          { drain: true },
          {
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'ASIATESTTESTTESTTEST',
            AWS_SECRET_ACCESS_KEY: 'bundling-test-secret',
            AWS_SESSION_TOKEN: 'bundling-test-session',
            AWS_ENDPOINT_URL: stub.url,
            HEALOPS_TABLE_NAME: 'healops-test',
            HEALOPS_BUNDLE_PATH: bundlePath,
          },
        );

        // The outbox could not be read (the stub denies everything): nothing delivered, the backlog unknown.
        expect(answer).toEqual({ returned: { delivered: 0, failed: 0, dead: 0, pending: null } });
        const queries = stub.requests.filter((r) => r.target === 'DynamoDB_20120810.Query');
        expect(queries.length).toBeGreaterThan(0);
        for (const query of queries) {
          expect(String(query.headers.authorization)).toMatch(
            /^AWS4-HMAC-SHA256 Credential=ASIATESTTESTTESTTEST\/\d{8}\/us-east-1\/dynamodb\/aws4_request, /,
          );
          expect(query.headers['x-amz-security-token']).toBe('bundling-test-session');
          expect(JSON.parse(query.body)).toMatchObject({ TableName: 'healops-test' });
        }
      } finally {
        await stub.close();
      }
    },
  );
});
