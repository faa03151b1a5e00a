import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DeploymentBundle } from '@healops/core';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../../functions/bundling/src/index.js';
import { LambdaBuildError } from './errors.js';

// The three handlers, bundled with the options the bench measures (lambdaBuildOptions: ESM, minified, source
// maps). The AWS SDK is bundled from its ES module build, tree-shaken, and code reached only through import() is
// split into chunks/ loaded on first use: the fastest cold start bench/functions measured (check: ~70 ms import
// against ~250 ms with the runtime's SDK loaded from disk), and the SDK version is the one tested. A build is cached
// under node_modules/.cache by a hash of every source it can read (functions/, packages/*/src, the lockfile), so
// repeated synths (tests) bundle once.

export const HANDLERS = ['check', 'repair', 'notify'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** What the functions' Handler setting names: `index.mjs`, export `handler`. */
export const HANDLER_FILE = 'index.mjs';
export const HANDLER = 'index.handler';
/** The bundle file next to the handler (the functions' default HEALOPS_BUNDLE_PATH). */
export const BUNDLE_FILE = 'healops-bundle.json';

const SOURCE_DIRS = ['functions', 'packages'];
const SOURCE_FILE = /\.(ts|mts|js|mjs|json)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'test', 'dist', '.healops']);

async function sourceFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) found.push(...(await sourceFiles(path)));
    } else if (SOURCE_FILE.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

/** SHA-256 over the names and contents of every file a handler bundle can depend on. */
export async function sourceHash(root: string): Promise<string> {
  const files = [
    ...(await Promise.all(SOURCE_DIRS.map((d) => sourceFiles(join(root, d))))).flat(),
    join(root, 'package-lock.json'),
  ].filter((f) => existsSync(f));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundleHandler(root: string, name: HandlerName, outDir: string): Promise<void> {
  const entry = join(root, 'functions', name, 'src', 'handler.ts');
  const result = await build(
    lambdaBuildOptions({
      entry,
      outfile: join(outDir, HANDLER_FILE),
      sdk: 'bundled',
      splitting: true,
      sourcemap: true,
    }),
  ).catch((error: unknown) => {
    throw new LambdaBuildError(`the ${name} handler does not bundle: ${(error as Error).message}`, {
      cause: error,
    });
  });
  if (result.errors.length > 0) {
    throw new LambdaBuildError(`the ${name} handler does not bundle: ${result.errors[0]?.text ?? ''}`);
  }
}

/** Builds and asset folders older than this, other than the ones in use, are removed. */
const CACHE_MAX_AGE_MS = 60 * 60 * 1000;

/** Removes what earlier synths left in `dir` (other source hashes, other bundles), sparing `keep`. */
async function prune(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const now = Date.now();
  const entries = existsSync(dir) ? await readdir(dir) : [];
  await Promise.all(
    entries
      .filter((name) => !keep.has(name))
      .map(async (name) => {
        const path = join(dir, name);
        const info = await stat(path).catch(() => undefined);
        if (info && now - info.mtimeMs > CACHE_MAX_AGE_MS) await rm(path, { recursive: true, force: true });
      }),
  );
}

/** Folders holding each handler's bundle (index.mjs + map), built at most once per source hash. */
export async function buildHandlers(root: string): Promise<Record<HandlerName, string>> {
  const cache = join(root, 'node_modules', '.cache', 'healops-lambda');
  const hash = await sourceHash(root);
  const dir = join(cache, hash);
  if (!existsSync(join(dir, '.complete'))) {
    await prune(cache, new Set([hash, 'assets']));
    const staging = `${dir}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await Promise.all(HANDLERS.map((name) => bundleHandler(root, name, join(staging, name))));
    await writeFile(join(staging, '.complete'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir).catch(async (error: unknown) => {
      // Another synth finished the same build first: its result is as good as ours.
      if (!existsSync(join(dir, '.complete'))) throw error;
      await rm(staging, { recursive: true, force: true });
    });
  }
  return { check: join(dir, 'check'), repair: join(dir, 'repair'), notify: join(dir, 'notify') };
}

/**
 * The asset folder of one function: its bundle and source map plus healops-bundle.json, in a folder named by a
 * hash of both (so a changed bundle makes a new folder and an unchanged one reuses it).
 */
export async function functionAsset(
  root: string,
  codeDir: string,
  name: HandlerName,
  bundle: DeploymentBundle,
): Promise<string> {
  const json = `${JSON.stringify(bundle)}\n`;
  // codeDir is named by the source hash: it identifies the code as well as its content would.
  const hash = createHash('sha256').update(codeDir).update('\0').update(json).digest('hex').slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'healops-lambda', 'assets', `${name}-${hash}`);
  if (!existsSync(join(dir, BUNDLE_FILE))) {
    await prune(join(dir, '..'), new Set([`${name}-${hash}`]));
    await mkdir(dir, { recursive: true });
    // The whole folder: the handler, its source map and any chunks esbuild split off.
    await cp(codeDir, dir, { recursive: true });
    await writeFile(join(dir, BUNDLE_FILE), json);
  }
  return dir;
}
