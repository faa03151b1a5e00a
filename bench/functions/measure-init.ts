import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/*
 * Module-init time of a bundle: a fresh `node` process imports it and reports how long the import took
 * (performance.now() around `await import(url)`), repeated in `runs` fresh processes; the median is the figure.
 * The process's own start (node itself) is measured apart: the time until the runner's first line runs.
 */

const RUNNER = [
  'const started = performance.now();',
  'const before = performance.now();',
  'const mod = await import(process.argv[1]);',
  'const importMs = performance.now() - before;',
  "if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler function');",
  'process.stdout.write(JSON.stringify({ importMs, nodeStartMs: started }));',
].join('\n');

export interface InitFigures {
  readonly importMs: readonly number[];
  /** ms from node's start to the runner's first line (node's own start-up, no bundle). */
  readonly nodeStartMs: readonly number[];
}

function once(
  file: string,
  env: Readonly<Record<string, string>>,
): Promise<{ importMs: number; nodeStartMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`import of ${file} failed (exit ${code}): ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as { importMs: number; nodeStartMs: number });
    });
  });
}

export async function measureInit(
  file: string,
  env: Readonly<Record<string, string>>,
  runs: number,
): Promise<InitFigures> {
  const importMs: number[] = [];
  const nodeStartMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const figures = await once(file, env);
    importMs.push(figures.importMs);
    nodeStartMs.push(figures.nodeStartMs);
  }
  return { importMs, nodeStartMs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
