/**
 * Size and module-init time of the Lambda bundles (issue 5).
 *
 *   npx tsx bench/functions/main.ts
 *
 * Each handler (functions/<name>/src/handler.ts that exists) is bundled with esbuild (ESM, platform node, target
 * node22, minify) twice into a temp dir: with the AWS SDK bundled, and with @aws-sdk/* external (the Node 22 Lambda
 * runtime ships AWS SDK v3; the external variant imports it from this repo's node_modules, linked next to the
 * bundles). Init = `await import(bundle)` in a fresh node process, median of RUNS processes. The handlers build
 * their clients, bundle and logger on the first invocation, not at import, so init here is module evaluation only.
 * Aims: <= 300 KB per bundle, <= 50 ms init. Figures only; nothing is asserted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandler, VARIANTS } from './bundle-handler.js';
import { measureInit, median } from './measure-init.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HANDLERS = ['check', 'repair', 'notify'] as const;
const RUNS = 5;
const TOP = 8;
const TOP_FILES = 5;
/** What a deployed function's environment holds (names only matter; nothing is called at import). */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'healops-bench',
  HEALOPS_TABLE_NAME: 'healops-bench',
  HEALOPS_EVENT_BUS_NAME: 'healops-bench',
  POWERTOOLS_SERVICE_NAME: 'healops-bench',
} as const;

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} CPUs, node ${process.version} (bundles target node22), load average ${load()}`,
  );
  const outDir = await mkdtemp(join(tmpdir(), 'healops-bench-functions-'));
  try {
    await symlink(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    for (const name of HANDLERS) {
      const entry = join(ROOT, 'functions', name, 'src', 'handler.ts');
      if (!existsSync(entry)) {
        console.log(`\n${name}: ${relative(ROOT, entry)} does not exist (yet); skipped`);
        continue;
      }
      for (const variant of VARIANTS) {
        const bundle = await bundleHandler(entry, outDir, name, variant);
        const init = await measureInit(bundle.file, LAMBDA_ENV, RUNS);
        console.log(
          `\n${name} (${variant}): ${bundle.bytes} bytes = ${kb(bundle.bytes)}; import ${ms(median(init.importMs))} median of ${RUNS} [${init.importMs.map((v) => v.toFixed(1)).join(', ')}]; node bootstrap before the import ${ms(median(init.nodeStartMs))}`,
        );
        const top = bundle.byPackage
          .slice(0, TOP)
          .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
          .join(', ');
        console.log(`  largest inputs by package: ${top}`);
        const files = bundle.byFile
          .slice(0, TOP_FILES)
          .map(([file, bytes]) => `${file} ${kb(bytes)}`)
          .join(', ');
        console.log(`  largest input files: ${files}`);
      }
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  console.log(`\nload average at the end: ${load()} (import times grow with other work on this machine)`);
}

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

await main();
