/**
 * Throughput of `healops run --once` against the physical limit of spawning the same scripts.
 *
 *   npx tsx bench/run-throughput.ts [N]     (npm run bench -- N)
 *
 * Creates N trivial checks (`echo 'OK | x=1'`) in a temp package and measures, at concurrency 1 and 4 (and nproc
 * when it differs), the median of 3 runs of:
 *   plain     a node child_process spawn loop of the same scripts (no shell, same concurrency): the limit
 *   in-cycle  `healops run --once --json`, time between the report's startedAt and finishedAt
 *   wall      the same run measured from outside, including node + tsx startup and loading the package
 * Every healops run uses a fresh home (so it includes creating the SQLite store) and must report N ok checks.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { healops, json, type RunJson, scratch, writePackage } from '../test/support/cli.js';

const REPEATS = 3;
const SCRIPT = "#!/bin/sh\necho 'OK | x=1'\n";

interface Row {
  readonly mode: string;
  readonly concurrency: number;
  readonly ms: number;
  readonly plainMs: number;
}

function parseCount(arg: string | undefined): number {
  if (arg === undefined) return 200;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got "${arg}"`);
  return n;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function createPackage(root: string, n: number): { dir: string; scripts: string[] } {
  const names = Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(4, '0')}`);
  const files: Record<string, string> = {
    'healops.yaml': [
      'name: bench',
      'version: 1.0.0',
      'checks:',
      ...names.map((name) => `  - { name: ${name}, script: checks/${name}.sh }`),
      '',
    ].join('\n'),
  };
  for (const name of names) files[`checks/${name}.sh`] = SCRIPT;
  const dir = writePackage(root, 'bench', files);
  return { dir, scripts: names.map((name) => join(dir, 'checks', `${name}.sh`)) };
}

function runScript(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && stdout.startsWith('OK')) resolve();
      else reject(new Error(`${path}: exit ${code}, output ${JSON.stringify(stdout)}`));
    });
  });
}

/** (a) the physical limit: spawn every script, `concurrency` at a time, and read its output. */
async function plainSpawn(scripts: readonly string[], concurrency: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scripts.length) {
      const script = scripts[next++];
      if (script !== undefined) await runScript(script);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, scripts.length) }, worker));
  return performance.now() - start;
}

/** (b) `healops run --once` through the real CLI: wall time and the cycle time it reports. */
async function healopsRun(
  pkg: string,
  home: string,
  n: number,
  concurrency: number,
): Promise<{ wallMs: number; cycleMs: number }> {
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const start = performance.now();
  const result = await healops(
    ['run', pkg, '--once', '--json', '--home', home, '--concurrency', String(concurrency)],
    { cwd: home, timeoutMs: 600_000 },
  );
  const wallMs = performance.now() - start;
  const report = json<RunJson & { startedAt: string; finishedAt: string }>(result);
  const ok = report.results.filter((r) => r.outcome === 'ok').length;
  if (result.code !== 0 || ok !== n) {
    throw new Error(`healops run: exit ${result.code}, ${ok}/${n} ok\n${result.stderr}`);
  }
  return { wallMs, cycleMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt) };
}

async function startupMs(cwd: string): Promise<number> {
  const start = performance.now();
  const result = await healops(['--version'], { cwd });
  if (result.code !== 0) throw new Error(`healops --version: exit ${result.code}\n${result.stderr}`);
  return performance.now() - start;
}

function table(rows: readonly Row[], n: number): string {
  const header = ['mode', 'conc', 'ms', 'checks/s', 'vs plain'];
  const body = rows.map((r) => [
    r.mode,
    String(r.concurrency),
    r.ms.toFixed(0),
    ((n / r.ms) * 1000).toFixed(1),
    (r.plainMs / r.ms).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const n = parseCount(process.argv[2]);
  const cpus = availableParallelism();
  const levels = [...new Set([1, 4, cpus])].sort((a, b) => a - b);
  const root = scratch('healops-bench-');
  try {
    const { dir, scripts } = createPackage(root.dir, n);
    const home = join(root.dir, 'home');
    const rows: Row[] = [];
    const startup: number[] = [];
    for (let i = 0; i < REPEATS; i++) startup.push(await startupMs(root.dir));
    for (const concurrency of levels) {
      const plain: number[] = [];
      const wall: number[] = [];
      const cycle: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        plain.push(await plainSpawn(scripts, concurrency));
        const run = await healopsRun(dir, home, n, concurrency);
        wall.push(run.wallMs);
        cycle.push(run.cycleMs);
      }
      const plainMs = median(plain);
      rows.push({ mode: 'plain spawn', concurrency, ms: plainMs, plainMs });
      rows.push({ mode: 'healops in-cycle', concurrency, ms: median(cycle), plainMs });
      rows.push({ mode: 'healops wall', concurrency, ms: median(wall), plainMs });
      process.stderr.write(`  concurrency ${concurrency} done\n`);
    }
    console.log(
      `healops run --once throughput: ${n} checks, node ${process.version}, ${cpus} CPUs, median of ${REPEATS}`,
    );
    console.log(`healops startup (--version): ${median(startup).toFixed(0)} ms`);
    console.log(table(rows, n));
    console.log(
      'vs plain = healops checks/s ÷ plain spawn checks/s at the same concurrency (1.00 = the limit)',
    );
  } finally {
    root.cleanup();
  }
}

await main();
