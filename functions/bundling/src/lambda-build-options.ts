import { basename, dirname, extname } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { lambdaEsbuildPlugins } from './lambda-esbuild-plugins.js';

/** Lets bundled CommonJS code `require` node builtins from an ESM bundle. */
export const REQUIRE_SHIM =
  "import { createRequire as __healopsCreateRequire } from 'node:module';\nconst require = __healopsCreateRequire(import.meta.url);";

/**
 * Where a package's entry point is looked up when it has no `exports` map: its ES module build first. The AWS SDK v3
 * clients (`@aws-sdk/client-*`, `lib-dynamodb`) have none and name `dist-cjs` in `main`, `dist-es` in `module`;
 * esbuild's default for platform node (`main` first) bundles every client whole as CommonJS (~190 KB for SSM
 * alone, all of it evaluated at import), while `dist-es` is tree-shaken to the commands used. Packages with an
 * `exports` map (Powertools, zod, @smithy/core) resolve through it as before. Only the bundle sees this: at run time
 * the bundle is one self-contained ES module, which the Node 22 Lambda runtime loads as it is.
 */
export const MAIN_FIELDS: readonly string[] = ['module', 'main'];

/** Where split chunks go, relative to the entry's folder. */
export const CHUNK_NAMES = 'chunks/[name]-[hash]';

/** `bundled`: every dependency in the bundle; `external`: @aws-sdk/* left to the Node 22 Lambda runtime's SDK v3. */
export type SdkBundling = 'bundled' | 'external';

export interface LambdaBuildInput {
  readonly entry: string;
  readonly outfile: string;
  readonly sdk: SdkBundling;
  /** Write a source map next to the bundle (the deployed functions do; the bench and tests do not). */
  readonly sourcemap?: boolean;
  /**
   * Put code reached only through `import()` into chunk files in a `chunks/` folder next to `outfile`, loaded when
   * first used instead of parsed at init: with the SDK bundled, its optional credential providers (SSO, INI,
   * process, web identity, container/IMDS) and their STS/SSO clients, which a Lambda (credentials in its
   * environment) never loads, and what the functions load on demand (remote metric sinks). In one file esbuild
   * keeps such code in the bundle, in lazily evaluated wrappers that are not tree-shaken, down to every module the
   * import reaches (the check function's remote-sink import() alone: +210 KB, about +30 ms init). The entry is
   * still written to `outfile`; the function's asset must then ship the whole folder. Default false (one file).
   */
  readonly splitting?: boolean;
}

/**
 * The esbuild options of a HealOps Lambda bundle: ESM, platform node, target node22, minified, ES module builds of
 * dependencies preferred (MAIN_FIELDS), with the HealOps plugins, a metafile for size reports. The bench, the
 * bundling tests and the CDK stack build with these.
 */
export function lambdaBuildOptions(input: LambdaBuildInput): BuildOptions & { metafile: true } {
  return {
    entryPoints: [input.entry],
    ...(input.splitting === true ? splitOutput(input.outfile) : { outfile: input.outfile }),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: [...MAIN_FIELDS],
    minify: true,
    metafile: true,
    logLevel: 'silent',
    sourcemap: input.sourcemap === true ? 'external' : false,
    banner: { js: REQUIRE_SHIM },
    external: input.sdk === 'external' ? ['@aws-sdk/*'] : [],
    plugins: lambdaEsbuildPlugins(),
  };
}

/** esbuild splits into a folder: the entry named as `outfile`, the chunks under CHUNK_NAMES with its extension. */
function splitOutput(outfile: string): BuildOptions {
  const extension = extname(outfile);
  return {
    splitting: true,
    outdir: dirname(outfile),
    entryNames: basename(outfile, extension),
    chunkNames: CHUNK_NAMES,
    ...(extension === '' || extension === '.js' ? {} : { outExtension: { '.js': extension } }),
  };
}
