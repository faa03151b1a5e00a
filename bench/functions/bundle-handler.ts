import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaBuildOptions } from '../../functions/bundling/src/index.js';

/*
 * One Lambda handler bundled as it would be deployed: ESM, platform node, target node22, minified, every dependency
 * bundled (node: builtins are the platform's) or, in the `sdk-external` variant, @aws-sdk/* left to the Node 22
 * Lambda runtime, which ships AWS SDK v3. The options (plugins, require shim) are functions/bundling's
 * lambdaBuildOptions, the ones every HealOps Lambda bundle is built with.
 */

export const VARIANTS = ['sdk-bundled', 'sdk-external'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface BundleFigures {
  readonly file: string;
  readonly bytes: number;
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
  const file = join(outDir, `${name}-${variant}.mjs`);
  const result = await build(
    lambdaBuildOptions({ entry, outfile: file, sdk: variant === 'sdk-external' ? 'external' : 'bundled' }),
  );
  return {
    file,
    bytes: (await stat(file)).size,
    byPackage: totals(result.metafile, packageOf),
    byFile: totals(result.metafile, (input) => input.replace(/^.*node_modules\//, '')),
  };
}

/** `node_modules/@scope/name/...` -> `@scope/name`; `node_modules/name/...` -> `name`; else the first two folders. */
export function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
  }
  return parts.slice(0, 2).join('/');
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
