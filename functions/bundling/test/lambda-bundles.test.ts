import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../src/index.js';
import { localeNames, zodMessages } from './fixtures/zod-messages.js';

const FUNCTIONS = fileURLToPath(new URL('../../', import.meta.url));
const HANDLERS = ['check', 'repair', 'notify'] as const;

let outDir = '';
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'healops-bundling-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function bundle(entry: string, name: string): Promise<{ file: string; inputs: string[] }> {
  const file = join(outDir, `${name}.mjs`);
  const result = await build(lambdaBuildOptions({ entry, outfile: file, sdk: 'external' }));
  return { file, inputs: bundledInputs(result.metafile) };
}

function bundledInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
}

describe('Lambda bundling plugins', () => {
  it('keep zod error messages as they read without bundling, and only the English locale', async () => {
    const { file, inputs } = await bundle(
      join(FUNCTIONS, 'bundling/test/fixtures/zod-messages.ts'),
      'zod-messages',
    );
    const bundled = (await import(pathToFileURL(file).href)) as {
      zodMessages: () => string[];
      localeNames: readonly string[];
    };

    const expected = zodMessages();
    expect(expected.length).toBeGreaterThan(10);
    expect(expected).toContain('name: Too small: expected string to have >=2 characters');
    expect(bundled.zodMessages()).toEqual(expected);
    expect(localeNames).toContain('de');
    expect(bundled.localeNames).toEqual(['en']);
    expect(inputs.filter((input) => input.includes('zod/v4/locales/'))).toEqual([
      expect.stringMatching(/zod\/v4\/locales\/index\.js$/),
      expect.stringMatching(/zod\/v4\/locales\/en\.js$/),
    ]);
  });

  it.each(HANDLERS)(
    'leave zod locales, zod JSON Schema import and yaml out of the %s handler',
    async (name) => {
      const { inputs } = await bundle(join(FUNCTIONS, name, 'src/handler.ts'), name);
      expect(inputs.some((input) => input.includes(`functions/${name}/src/handler.ts`))).toBe(true);
      expect(inputs.some((input) => input.includes('node_modules/zod/'))).toBe(true);
      const avoidable = inputs.filter((input) =>
        /node_modules\/(?:yaml\/|zod\/v4\/locales\/(?!en\.js|index\.js)|zod\/v4\/(?:core|classic)\/from-json-schema)/.test(
          input,
        ),
      );
      expect(avoidable).toEqual([]);
    },
  );
});
