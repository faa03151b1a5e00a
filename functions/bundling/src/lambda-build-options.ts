import type { BuildOptions } from 'esbuild';
import { lambdaEsbuildPlugins } from './lambda-esbuild-plugins.js';

/** Lets bundled CommonJS code `require` node builtins from an ESM bundle. */
export const REQUIRE_SHIM =
  "import { createRequire as __healopsCreateRequire } from 'node:module';\nconst require = __healopsCreateRequire(import.meta.url);";

/** `bundled`: every dependency in the bundle; `external`: @aws-sdk/* left to the Node 22 Lambda runtime's SDK v3. */
export type SdkBundling = 'bundled' | 'external';

export interface LambdaBuildInput {
  readonly entry: string;
  readonly outfile: string;
  readonly sdk: SdkBundling;
  /** Write a source map next to the bundle (the deployed functions do; the bench and tests do not). */
  readonly sourcemap?: boolean;
}

/**
 * The esbuild options of a HealOps Lambda bundle: ESM, platform node, target node22, minified, with the HealOps
 * plugins, a metafile for size reports. The bench, the bundling tests and the CDK stack build with these.
 */
export function lambdaBuildOptions(input: LambdaBuildInput): BuildOptions & { metafile: true } {
  return {
    entryPoints: [input.entry],
    outfile: input.outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    sourcemap: input.sourcemap === true ? 'external' : false,
    banner: { js: REQUIRE_SHIM },
    external: input.sdk === 'external' ? ['@aws-sdk/*'] : [],
    plugins: lambdaEsbuildPlugins(),
  };
}
