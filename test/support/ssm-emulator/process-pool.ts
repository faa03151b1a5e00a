import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { LIMITS } from './limits.js';

/*
 * Runs step scripts as real processes, at most `concurrency` at once (FIFO, O(1) per job). Each script runs as
 * `/bin/sh <file>` in its own process group, so an execution timeout or a CancelCommand kills everything it started.
 * Output is kept the way the agent keeps it for the API: the first 24,000 characters of stdout and 8,000 of stderr;
 * with `keepAll` (the command has an S3 output bucket) also every byte, as the agent's stdout / stderr files.
 */

export interface ScriptJob {
  readonly file: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Keep every byte of both streams too (for the S3 output). */
  readonly keepAll?: boolean;
}

export interface ScriptOutcome {
  /** Exit code; 137 when killed on its timeout; -1 when it never ran. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly startedAt: number | undefined;
  readonly finishedAt: number;
  /** Every byte written, when the job asked to keep it all. */
  readonly allStdout?: Uint8Array;
  readonly allStderr?: Uint8Array;
}

export interface RunningScript {
  readonly done: Promise<ScriptOutcome>;
  cancel(): void;
}

interface QueuedJob {
  readonly job: ScriptJob;
  readonly resolve: (outcome: ScriptOutcome) => void;
  state: 'queued' | 'running' | 'done';
  cancelRequested: boolean;
  kill: (() => void) | undefined;
}

/** After the shell exits, how long to wait for its output pipes to close (a background child may hold them). */
const PIPE_GRACE_MS = 200;

class Capture {
  #text = '';
  readonly #decoder = new StringDecoder('utf8');
  readonly #all: Buffer[] | undefined;
  constructor(
    private readonly limit: number,
    keepAll: boolean,
  ) {
    this.#all = keepAll ? [] : undefined;
  }
  add(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#all?.push(bytes);
    this.#keep(this.#decoder.write(bytes));
  }
  #keep(text: string): void {
    if (this.#text.length < this.limit) this.#text += text.slice(0, this.limit - this.#text.length);
  }
  /** The text kept, once the stream has ended. */
  end(): string {
    this.#keep(this.#decoder.end());
    return this.#text;
  }
  get all(): Uint8Array | undefined {
    return this.#all === undefined ? undefined : Buffer.concat(this.#all);
  }
}

export class ProcessPool {
  readonly #concurrency: number;
  readonly #queue: (QueuedJob | undefined)[] = [];
  #head = 0;
  #running = 0;
  /** Processes started so far (for the bench). */
  started = 0;

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be >= 1');
    this.#concurrency = concurrency;
  }

  get running(): number {
    return this.#running;
  }

  run(job: ScriptJob): RunningScript {
    let resolveDone: (outcome: ScriptOutcome) => void = () => undefined;
    const done = new Promise<ScriptOutcome>((resolve) => {
      resolveDone = resolve;
    });
    const queued: QueuedJob = {
      job,
      resolve: (outcome) => resolveDone(outcome),
      state: 'queued',
      cancelRequested: false,
      kill: undefined,
    };
    this.#queue.push(queued);
    this.#pump();
    return {
      done,
      cancel: () => {
        if (queued.state === 'done') return;
        queued.cancelRequested = true;
        if (queued.state === 'queued') {
          queued.state = 'done';
          queued.resolve(notRun(true));
        } else queued.kill?.();
      },
    };
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#head < this.#queue.length) {
      const next = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      if (next === undefined || next.state !== 'queued') continue;
      this.#start(next);
    }
  }

  #start(entry: QueuedJob): void {
    entry.state = 'running';
    this.#running += 1;
    this.started += 1;
    const startedAt = Date.now();
    const keepAll = entry.job.keepAll === true;
    const stdout = new Capture(LIMITS.standardOutput, keepAll);
    const stderr = new Capture(LIMITS.standardError, keepAll);
    let timedOut = false;
    let finished = false;
    const child = spawn('/bin/sh', [entry.job.file], {
      cwd: entry.job.cwd,
      env: entry.job.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    entry.kill = killGroup;
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, entry.job.timeoutMs);
    const finish = (exitCode: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      entry.state = 'done';
      this.#running -= 1;
      const allStdout = stdout.all;
      const allStderr = stderr.all;
      entry.resolve({
        exitCode: timedOut ? LIMITS.killedExitCode : exitCode,
        stdout: stdout.end(),
        stderr: stderr.end(),
        ...(allStdout === undefined ? {} : { allStdout }),
        ...(allStderr === undefined ? {} : { allStderr }),
        timedOut,
        cancelled: entry.cancelRequested && !timedOut,
        startedAt,
        finishedAt: Date.now(),
      });
      this.#pump();
    };
    child.on('error', (error) => {
      stderr.add(`failed to start /bin/sh: ${error.message}`);
      finish(-1);
    });
    child.on('exit', (code, signal) => {
      const exitCode = code ?? 128 + signalNumber(signal);
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(exitCode);
      }, PIPE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(grace);
        finish(exitCode);
      });
    });
  }
}

function notRun(cancelled: boolean): ScriptOutcome {
  return {
    exitCode: -1,
    stdout: '',
    stderr: '',
    timedOut: false,
    cancelled,
    startedAt: undefined,
    finishedAt: Date.now(),
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal === null ? 0 : (numbers[signal] ?? 0);
}
