import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import type { ExecRequest, ExecResult, Executor } from '@healops/core';
import { LocalExecutorOptionsError } from './errors.js';
import { buildExecEnv } from './exec-env.js';
import { lacksExecFormat } from './exec-format.js';
import { decodeOutput, OutputCapture } from './output-capture.js';
import { signalProcessGroup } from './process-group.js';
import { describeSpawnError } from './spawn-error.js';

export interface LocalExecutorOptions {
  /** After SIGTERM (timeout or abort), how long the process group gets before SIGKILL. Default 2000 ms. */
  readonly killGraceMs?: number;
  /**
   * After the main process exits, how long to keep reading output that background children still hold open
   * before closing the pipes and SIGKILLing the rest of the process group. Default 250 ms.
   */
  readonly drainGraceMs?: number;
  /** Where the inherited base environment comes from. Default process.env. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_KILL_GRACE_MS = 2000;
export const DEFAULT_DRAIN_GRACE_MS = 250;

/** setTimeout fires at once for delays above this (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

function graceOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new LocalExecutorOptionsError(`${name} must be a finite number >= 0, got ${value}`);
  }
  return Math.min(value, MAX_TIMER_MS);
}

function timerDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, 0), MAX_TIMER_MS);
}

/**
 * Runs commands on this machine: no shell, each run in its own process group, a minimal environment,
 * bounded output. Never rejects: start failures, timeouts and signals are reported in the ExecResult.
 * The request's `target` is not inspected; the wiring sends only local work here.
 */
export class LocalExecutor implements Executor {
  readonly #killGraceMs: number;
  readonly #drainGraceMs: number;
  readonly #baseEnv: Readonly<Record<string, string | undefined>>;

  constructor(options: LocalExecutorOptions = {}) {
    this.#killGraceMs = graceOption('killGraceMs', options.killGraceMs, DEFAULT_KILL_GRACE_MS);
    this.#drainGraceMs = graceOption('drainGraceMs', options.drainGraceMs, DEFAULT_DRAIN_GRACE_MS);
    this.#baseEnv = options.baseEnv ?? process.env;
  }

  async run(request: ExecRequest, signal?: AbortSignal): Promise<ExecResult> {
    const started = performance.now();
    const notStarted = (spawnError: string): ExecResult => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      stdout: '',
      stderr: '',
      truncated: false,
      binary: false,
      durationMs: performance.now() - started,
      spawnError,
    });

    const [command, ...args] = request.argv;
    if (command === undefined || command === '') return notStarted('cannot start: argv is empty');
    if (signal?.aborted) return notStarted(`cannot start ${command}: aborted before start`);
    if (await lacksExecFormat(command, request.cwd)) {
      return notStarted(describeSpawnError(command, { code: 'ENOEXEC' }, request.cwd));
    }
    if (signal?.aborted) return notStarted(`cannot start ${command}: aborted before start`);

    let child: Child;
    try {
      child = spawn(command, args, {
        cwd: request.cwd,
        env: buildExecEnv(request.env, this.#baseEnv),
        detached: true,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // Synchronous failures: invalid arguments, and errnos Node does not defer (e.g. ENOEXEC on newer libuv).
      return notStarted(describeSpawnError(command, error, request.cwd));
    }
    return this.#supervise(child, command, request, started, signal);
  }

  #supervise(
    child: Child,
    command: string,
    request: ExecRequest,
    started: number,
    signal: AbortSignal | undefined,
  ): Promise<ExecResult> {
    const stdout = new OutputCapture(request.maxOutputBytes);
    const stderr = new OutputCapture(request.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Errors on our ends of the pipes (EPIPE when the child ignores stdin, destroyed pipes) are not results.
    child.stdin.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    child.stdin.end(request.stdin);

    return new Promise<ExecResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      let killedByUs = false;
      let sentSignal: NodeJS.Signals | null = null;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;

      const signalGroup = (sig: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        sentSignal = sig;
        signalProcessGroup(child.pid, sig);
      };
      /** Kills what is left of the group once the run is over; not reported as the run's signal. */
      const killLeftovers = (): void => {
        if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
      };

      const terminate = (): void => {
        if (killedByUs || exit !== undefined) return;
        killedByUs = true;
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => signalGroup('SIGKILL'), this.#killGraceMs);
      };

      const onTimeout = (): void => {
        if (killedByUs || exit !== undefined) return;
        timedOut = true;
        terminate();
      };
      const onAbort = (): void => terminate();
      const timeoutTimer = setTimeout(onTimeout, timerDelay(request.timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });

      const finish = (spawnError?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        clearTimeout(drainTimer);
        signal?.removeEventListener('abort', onAbort);
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();

        const out = decodeOutput(stdout.bytes());
        const err = decodeOutput(stderr.bytes());
        const observedSignal = exit?.signal ?? null;
        resolve({
          exitCode: killedByUs || spawnError !== undefined ? null : (exit?.code ?? null),
          signal: observedSignal ?? (killedByUs ? sentSignal : null),
          timedOut,
          stdout: out.text,
          stderr: err.text,
          truncated: stdout.truncated || stderr.truncated,
          binary: out.binary || err.binary,
          durationMs: performance.now() - started,
          ...(spawnError === undefined ? {} : { spawnError }),
        });
      };

      child.on('error', (error) => {
        // With no pid the process never started (ENOENT, EACCES...); other errors leave exit/close to come.
        if (child.pid === undefined) finish(describeSpawnError(command, error, request.cwd));
      });

      child.on('exit', (code, sig) => {
        exit = { code, signal: sig };
        clearTimeout(timeoutTimer);
        // Background children may still hold stdout/stderr open: read what they write for a short grace,
        // then stop and kill what is left of this run's process group.
        drainTimer = setTimeout(() => {
          killLeftovers();
          finish();
        }, this.#drainGraceMs);
      });

      child.on('close', () => {
        // After a timeout or abort nothing in the group may outlive the run; otherwise members that
        // detached from our pipes (e.g. a daemon a repair restarted) are left alone.
        if (killedByUs) killLeftovers();
        finish();
      });
    });
  }
}
