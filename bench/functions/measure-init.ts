import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeJson } from './node-child.js';

/*
 * A cold start of a bundle: a fresh `node` process imports it (module init: performance.now() around
 * `await import(url)`, and the process's CPU time over the same span), then, given an event, calls its handler once
 * (the first invocation: dependencies built from the environment, the middlewares, the first AWS calls), timed the
 * same way. Repeated in `runs` fresh processes; medians are the figures. The process's own start (node itself) is
 * measured apart: the time until the runner's first line runs. Wall time grows with other work on the machine; CPU
 * time much less so.
 */

const RUNNER = `
import { writeSync } from 'node:fs';
const started = performance.now();
const cpuMs = (since) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const event = process.argv[2] === undefined ? undefined : JSON.parse(process.argv[2]);
const cpu0 = process.cpuUsage();
const before = performance.now();
const mod = await import(process.argv[1]);
const importMs = performance.now() - before;
const importCpuMs = cpuMs(cpu0);
if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler function');
let first = null;
if (event !== undefined) {
  const deadline = Date.now() + 60000;
  const context = {
    functionName: 'healops-bench', functionVersion: '$LATEST', memoryLimitInMB: '1024',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:healops-bench',
    awsRequestId: 'bench-request-1', logGroupName: '/aws/lambda/healops-bench', logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const cpu1 = process.cpuUsage();
  const start = performance.now();
  let outcome;
  try {
    outcome = 'returned ' + JSON.stringify(await mod.handler(event, context));
  } catch (error) {
    outcome = 'threw ' + (error instanceof Error ? error.name + ': ' + error.message : String(error));
  }
  first = { ms: performance.now() - start, cpuMs: cpuMs(cpu1), outcome: outcome.slice(0, 200) };
}
writeSync(3, JSON.stringify({ importMs, importCpuMs, nodeStartMs: started, first }));
process.exit(0);
`;

export interface FirstInvocation {
  readonly ms: number;
  readonly cpuMs: number;
  /** What the handler returned or threw (the first run's), shortened. */
  readonly outcome: string;
}

interface RunFigures {
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly nodeStartMs: number;
  readonly first: FirstInvocation | null;
}

export interface InitFigures {
  readonly importMs: readonly number[];
  readonly importCpuMs: readonly number[];
  /** ms from node's start to the runner's first line (node's own start-up, no bundle). */
  readonly nodeStartMs: readonly number[];
  /** One per run when an event was given. */
  readonly first: readonly FirstInvocation[];
}

export interface ColdStartInput {
  readonly file: string;
  readonly env: Readonly<Record<string, string>>;
  readonly runs: number;
  /** The first invocation's event; none: import only. */
  readonly event?: unknown;
  /** Called after each run (the bench takes what its AWS stub was asked). */
  readonly afterRun?: () => void;
}

function once(file: string, env: Readonly<Record<string, string>>, event: unknown): Promise<RunFigures> {
  const args = ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href];
  if (event !== undefined) args.push(JSON.stringify(event));
  return nodeJson<RunFigures>(args, env, dirname(file), `cold start of ${file}`);
}

export async function measureColdStart(input: ColdStartInput): Promise<InitFigures> {
  const importMs: number[] = [];
  const importCpuMs: number[] = [];
  const nodeStartMs: number[] = [];
  const first: FirstInvocation[] = [];
  for (let i = 0; i < input.runs; i++) {
    const figures = await once(input.file, input.env, input.event);
    input.afterRun?.();
    importMs.push(figures.importMs);
    importCpuMs.push(figures.importCpuMs);
    nodeStartMs.push(figures.nodeStartMs);
    if (figures.first !== null) first.push(figures.first);
  }
  return { importMs, importCpuMs, nodeStartMs, first };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
