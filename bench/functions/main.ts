/**
 * Size, module-init time and first-invocation time of the Lambda bundles (issue 5).
 *
 *   npx tsx bench/functions/main.ts [--runs 5] [--no-breakdown]
 *
 * Each handler (functions/<name>/src/handler.ts that exists) is bundled with lambdaBuildOptions (ESM, platform
 * node, target node22, minified, ES module builds of dependencies first) into a temp dir, three ways: the AWS SDK
 * bundled; bundled with code only reached through import() split into chunks; @aws-sdk/* external (the Node 22
 * Lambda runtime ships AWS SDK v3; here it loads from this repo's node_modules, linked next to the bundles).
 *
 * A cold start runs in a fresh node process: init = `await import(bundle)`; then the first invocation = the
 * handler called once with its first event (FIRST_EVENTS) in a deployed function's environment whose AWS endpoints
 * are a local stub answering AccessDeniedException at once (dependencies built from the environment, middlewares,
 * the first signed SDK calls; no AWS latency). Medians of --runs processes, wall time and the process's CPU time
 * (wall time grows with other work on this 2-CPU machine, CPU time much less). Then what the import is made of
 * (init-breakdown.ts): compile, external imports, evaluation by package or HealOps folder.
 * Aims: <= 300 KB per bundle, <= 50 ms init. Figures only; nothing is asserted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsStub } from './aws-stub.js';
import { FIRST_EVENTS, HANDLERS, lambdaEnv, writeBenchBundle } from './bench-lambda.js';
import { type BundleFigures, bundleHandler, VARIANTS, type Variant } from './bundle-handler.js';
import { compileMs, evaluationByGroup, externalImportMs } from './init-breakdown.js';
import { buildInstrumented } from './instrument-bundle.js';
import { type InitFigures, measureColdStart, median } from './measure-init.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOP = 8;
const TOP_FILES = 5;
const TOP_EVALUATION = 7;

interface Options {
  readonly runs: number;
  readonly breakdown: boolean;
}

interface Row {
  readonly name: string;
  readonly variant: Variant;
  readonly bundle: BundleFigures;
  readonly init: InitFigures;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const list = (values: readonly number[]): string => values.map((v) => v.toFixed(1)).join(', ');

function options(argv: readonly string[]): Options {
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  return { runs, breakdown: !argv.includes('--no-breakdown') };
}

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

function coldStartLines(row: Row, asked: readonly string[]): string[] {
  const { bundle, init } = row;
  const size =
    bundle.initFiles.length > 1 || bundle.initBytes !== bundle.bytes
      ? `${kb(bundle.bytes)} in all, ${kb(bundle.initBytes)} in the ${bundle.initFiles.length} file(s) loaded at init`
      : `${bundle.bytes} bytes = ${kb(bundle.bytes)}`;
  const lines = [
    `${row.name} (${row.variant}): ${size}`,
    `  import ${ms(median(init.importMs))} wall [${list(init.importMs)}], ${ms(median(init.importCpuMs))} CPU; node bootstrap before the import ${ms(median(init.nodeStartMs))}`,
  ];
  const first = init.first;
  if (first.length > 0) {
    const firstMs = first.map((f) => f.ms);
    const coldMs = init.importMs.map((v, i) => v + (firstMs[i] ?? 0));
    lines.push(
      `  first invocation ${ms(median(firstMs))} wall [${list(firstMs)}], ${ms(median(first.map((f) => f.cpuMs)))} CPU; cold start (import + first invocation) ${ms(median(coldMs))} wall`,
      `  first invocation ${first[0]?.outcome ?? ''}`,
      `  AWS calls it made (stub): ${asked.length === 0 ? 'none' : asked.join(', ')}`,
    );
  }
  return lines;
}

function contentLines(bundle: BundleFigures): string[] {
  const top = bundle.byPackage
    .slice(0, TOP)
    .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
    .join(', ');
  const files = bundle.byFile
    .slice(0, TOP_FILES)
    .map(([file, bytes]) => `${file} ${kb(bytes)}`)
    .join(', ');
  return [`  largest inputs by package: ${top}`, `  largest input files: ${files}`];
}

async function breakdownLines(
  row: Row,
  entry: string,
  env: Readonly<Record<string, string>>,
  runs: number,
): Promise<string[]> {
  const { bundle, variant } = row;
  const compile = await compileMs(bundle.initFiles, runs);
  const external =
    bundle.externals.length > 0
      ? await externalImportMs(bundle.externals, join(bundle.file, '..'), env, runs)
      : undefined;
  const instrumented = join(bundle.file, '..', 'instrumented', 'index.mjs');
  await buildInstrumented(
    entry,
    instrumented,
    variant === 'sdk-external' ? 'external' : 'bundled',
    variant === 'sdk-bundled-split',
  );
  const groups = await evaluationByGroup(instrumented, env, runs);
  const evaluated = groups.reduce((sum, [, v]) => sum + v, 0);
  const parts = [
    `compile ${ms(compile)}`,
    ...(external === undefined
      ? []
      : [`external imports ${ms(external)} (${bundle.externals.length} @aws-sdk packages)`]),
    `evaluation ${ms(evaluated)}`,
  ];
  const rest = median(row.init.importMs) - compile - (external ?? 0) - evaluated;
  const top = groups
    .slice(0, TOP_EVALUATION)
    .map(([group, v]) => `${group} ${v.toFixed(1)}`)
    .join(', ');
  return [
    `  import, by part: ${parts.join(' + ')}; the rest (module loader, linking, GC: the import median less the parts, noisy) ${ms(rest)}`,
    `  evaluation by input (ms, unminified instrumented build): ${top}`,
  ];
}

function summary(rows: readonly Row[]): string[] {
  const lines = [
    '',
    'summary (medians): handler, variant, loaded at init, import wall / CPU, first invocation wall / CPU, cold start wall',
  ];
  for (const { name, variant, bundle, init } of rows) {
    const firstMs = init.first.map((f) => f.ms);
    const cold = init.importMs.map((v, i) => v + (firstMs[i] ?? 0));
    lines.push(
      `  ${name.padEnd(7)} ${variant.padEnd(18)} ${kb(bundle.initBytes).padStart(9)}  ${ms(median(init.importMs)).padStart(9)} / ${ms(median(init.importCpuMs)).padStart(9)}  ${ms(median(firstMs)).padStart(9)} / ${ms(median(init.first.map((f) => f.cpuMs))).padStart(9)}  ${ms(median(cold)).padStart(9)}`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const { runs, breakdown } = options(process.argv.slice(2));
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} CPUs, node ${process.version} (bundles target node22), load average ${load()}`,
  );
  const outDir = await mkdtemp(join(tmpdir(), 'healops-bench-functions-'));
  const stub = await AwsStub.start();
  const rows: Row[] = [];
  try {
    await symlink(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    const env = lambdaEnv(await writeBenchBundle(outDir), stub.endpoint);
    for (const name of HANDLERS) {
      const entry = join(ROOT, 'functions', name, 'src', 'handler.ts');
      if (!existsSync(entry)) {
        console.log(`\n${name}: ${relative(ROOT, entry)} does not exist (yet); skipped`);
        continue;
      }
      for (const variant of VARIANTS) {
        const bundle = await bundleHandler(entry, outDir, name, variant);
        stub.takeAsked();
        let asked: string[] | undefined;
        const init = await measureColdStart({
          file: bundle.file,
          env,
          runs,
          event: FIRST_EVENTS[name],
          afterRun: () => {
            const calls = stub.takeAsked();
            asked ??= calls;
          },
        });
        const row: Row = { name, variant, bundle, init };
        rows.push(row);
        console.log(`\n${coldStartLines(row, asked ?? []).join('\n')}`);
        console.log(contentLines(bundle).join('\n'));
        if (breakdown) console.log((await breakdownLines(row, entry, env, runs)).join('\n'));
      }
    }
  } finally {
    await stub.close();
    await rm(outDir, { recursive: true, force: true });
  }
  console.log(summary(rows).join('\n'));
  console.log(`\nload average at the end: ${load()} (wall times grow with other work on this machine)`);
}

await main();
