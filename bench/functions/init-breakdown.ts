import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageOf } from './bundle-handler.js';
import { median } from './measure-init.js';
import { nodeJson } from './node-child.js';

/*
 * What a bundle's import is made of, each part measured in fresh node processes (median of `runs`):
 * - compile: V8 parsing and compiling the files an import loads at once (vm.SourceTextModule on their text, nothing
 *   run; --experimental-vm-modules);
 * - external imports: loading what the bundle leaves to the runtime (@aws-sdk/* from node_modules, CommonJS), which
 *   Node does before the bundle's first line runs;
 * - evaluation by input: the instrumented bundle's top-level code per npm package or HealOps source folder (zod
 *   schemas built at module level count for the folder that builds them, SDK client modules for their package).
 */

const COMPILE = `
import { readFileSync, writeSync } from 'node:fs';
import { SourceTextModule } from 'node:vm';
let ms = 0;
for (const file of process.argv.slice(1)) {
  const text = readFileSync(file, 'utf8');
  const start = performance.now();
  new SourceTextModule(text, { identifier: 'file://' + file });
  ms += performance.now() - start;
}
writeSync(3, JSON.stringify(ms));
`;

const EXTERNALS = `
import { writeSync } from 'node:fs';
const start = performance.now();
for (const specifier of process.argv.slice(1)) await import(specifier);
writeSync(3, JSON.stringify(performance.now() - start));
`;

const EVALUATION = `
import { writeSync } from 'node:fs';
await import(process.argv[1]);
writeSync(3, JSON.stringify([...globalThis.__healopsEvaluation]));
process.exit(0);
`;

function runNode<T>(args: readonly string[], env: Readonly<Record<string, string>>, cwd: string): Promise<T> {
  return nodeJson<T>(args, env, cwd, `node ${args[args.length - 1] ?? ''}`);
}

async function medianOf(runs: number, once: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return median(values);
}

/** ms V8 takes to compile `files` as ES modules. */
export function compileMs(files: readonly string[], runs: number): Promise<number> {
  const args = ['--experimental-vm-modules', '--no-warnings', '--input-type=module', '-e', COMPILE, ...files];
  return medianOf(runs, () => runNode<number>(args, {}, dirname(files[0] ?? '.')));
}

/** ms importing `specifiers` in turn from `dir` (its node_modules), nothing else loaded. */
export function externalImportMs(
  specifiers: readonly string[],
  dir: string,
  env: Readonly<Record<string, string>>,
  runs: number,
): Promise<number> {
  const args = ['--input-type=module', '-e', EXTERNALS, ...specifiers];
  return medianOf(runs, () => runNode<number>(args, env, dir));
}

/** Medians of the instrumented bundle's evaluation, by group of inputs (groupOf), largest first. */
export async function evaluationByGroup(
  instrumented: string,
  env: Readonly<Record<string, string>>,
  runs: number,
  groupOf: (input: string) => string = inputGroup,
): Promise<(readonly [string, number])[]> {
  const perGroup = new Map<string, number[]>();
  const args = ['--input-type=module', '-e', EVALUATION, pathToFileURL(instrumented).href];
  for (let i = 0; i < runs; i++) {
    const sums = new Map<string, number>();
    for (const [input, ms] of await runNode<[string, number][]>(args, env, dirname(instrumented))) {
      const group = groupOf(input);
      sums.set(group, (sums.get(group) ?? 0) + ms);
    }
    for (const [group, ms] of sums) perGroup.set(group, [...(perGroup.get(group) ?? []), ms]);
  }
  return [...perGroup].map(([group, values]) => [group, median(values)] as const).sort((a, b) => b[1] - a[1]);
}

/** `@scope/name` or `name` for npm inputs; the source folder (`packages/core/src/events`) for HealOps inputs. */
export function inputGroup(input: string): string {
  return input.startsWith('(') ? input : packageOf(input, 4);
}
