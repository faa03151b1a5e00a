#!/usr/bin/env node
// Entry point of `npx healops`. Runs the prebuilt bundle (dist/healops.mjs, made by `npm ci` through the root
// `prepare` script) while it is up to date, else the TypeScript sources through tsx, so a source edit is never
// shadowed by a stale bundle. HEALOPS_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(cliDir, 'dist', 'healops.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.HEALOPS_FROM_SOURCE) return false;
  try {
    const built = statSync(bundle).mtimeMs;
    const packages = join(cliDir, '..');
    return ['core', 'local', 'sqlite', 'sinks', 'aws', 'cli'].every(
      (pkg) => newestMtime(join(packages, pkg, 'src')) <= built,
    );
  } catch {
    return false;
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
