#!/usr/bin/env node
// Bundles the CLI and the workspace packages it uses into dist/healops.mjs, so `healops` starts without compiling
// TypeScript on every run. Third-party dependencies stay external (better-sqlite3 is native). bin/healops.js uses
// the bundle only while it is newer than every source file, and falls back to the sources through tsx otherwise.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = join(here, '..');
const external = new Set();
for (const pkg of ['core', 'local', 'sqlite', 'sinks', 'aws', 'cli']) {
  const manifest = JSON.parse(readFileSync(join(workspace, pkg, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies ?? {}))
    if (!name.startsWith('@healops/')) external.add(name);
}

await build({
  entryPoints: { healops: join(here, 'src', 'main.ts') },
  outdir: join(here, 'dist'),
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (the AWS adapter, loaded only for a Timestream sink) become chunks loaded on demand.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [...external],
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
});
