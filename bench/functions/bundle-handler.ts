import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaBuildOptions } from '../../functions/bundling/src/index.js';

/*
 * One Lambda handler bundled as it would be deployed: ESM, platform node, target node22, minified, every dependency
 * bundled (node: builtins are the platform's); in `sdk-bundled-split` the code only reached through import() (the
 * SDK's optional credential providers and their STS/SSO clients) in chunk files next to the entry; in
 * `sdk-external` @aws-sdk/* left to the Node 22 Lambda runtime, which ships AWS SDK v3. The options (plugins, ES
 * module builds first, require shim) are functions/bundling's lambdaBuildOptions, the ones every HealOps Lambda
 * bundle is built with.
 */

export const VARIANTS = ['sdk-bundled', 'sdk-bundled-split', 'sdk-external'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface BundleFigures {
  /** The entry module (the handler file). */
  readonly file: string;
  /** Every output file (the entry, and chunks when split). */
  readonly bytes: number;
  /** What an import of the entry parses at once: the entry and the chunks it imports statically. */
  readonly initFiles: readonly string[];
  readonly initBytes: number;
  /** Bare specifiers the bundle leaves to the runtime (`@aws-sdk/...`), node: builtins aside. */
  readonly externals: readonly string[];
  /** What the bundle holds, by npm package (or workspace folder), bytes in the output, largest first. */
  readonly byPackage: readonly (readonly [string, number])[];
  /** The same by input file. */
  readonly byFile: readonly (readonly [string, number])[];
}

export async function bundleHandler(
  entry: string,
  outDir: string,
  name: string,
  variant: Variant,
): Promise<BundleFigures> {
  const dir = join(outDir, `${name}-${variant}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const result = await build(
    lambdaBuildOptions({
      entry,
      outfile: file,
      sdk: variant === 'sdk-external' ? 'external' : 'bundled',
      splitting: variant === 'sdk-bundled-split',
    }),
  );
  const outputs = result.metafile.outputs;
  const initFiles = staticClosure(outputs, file);
  return {
    file,
    bytes: Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0),
    initFiles,
    initBytes: initFiles.reduce((sum, f) => sum + (outputOf(outputs, f)?.bytes ?? 0), 0),
    externals: [
      ...new Set(
        Object.values(outputs).flatMap((output) =>
          output.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path),
        ),
      ),
    ].sort(),
    byPackage: totals(result.metafile, (input) => packageOf(input)),
    byFile: totals(result.metafile, (input) => input.replace(/^.*node_modules\//, '')),
  };
}

function outputOf(outputs: Metafile['outputs'], file: string): Metafile['outputs'][string] | undefined {
  return Object.entries(outputs).find(([path]) => resolve(path) === file)?.[1];
}

/** The entry and every chunk it reaches by static imports (absolute paths). */
function staticClosure(outputs: Metafile['outputs'], entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of outputOf(outputs, file)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(resolve(imported.path));
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * `node_modules/@scope/name/...` -> `@scope/name`; `node_modules/name/...` -> `name`; a HealOps source -> its first
 * `depth` folders from `packages/` or `functions/` (`packages/core`), wherever the build ran from.
 */
export function packageOf(input: string, depth = 2): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
  }
  const root = parts.findIndex((part) => part === 'packages' || part === 'functions');
  const source = root >= 0 ? parts.slice(root) : parts.filter((part) => part !== '..');
  return source.slice(0, Math.min(depth, Math.max(1, source.length - 1))).join('/');
}

function totals(metafile: Metafile, keyOf: (input: string) => string): (readonly [string, number])[] {
  const sums = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = keyOf(input);
      sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}
