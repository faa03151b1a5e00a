import { chmod, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecRequest } from '@healops/core';
import { afterAll, afterEach, beforeAll } from 'vitest';

// Shared by the LocalExecutor tests: a temp directory for scripts, a safety net for stray children, exec requests,
// and process probes.

export interface ExecutorSandbox {
  /** The suite's temp directory (real path), set in beforeAll. */
  readonly dir: string;
  /** Writes an executable script into the directory; returns its path. */
  script(name: string, body: string, mode?: number): Promise<string>;
  /** The `pid=<n>` numbers in a text, remembered so afterEach SIGKILLs any still running. */
  pidsIn(text: string): number[];
}

/** Registers the suite's hooks: a temp directory (removed afterAll) and the stray-child SIGKILL after each test. */
export function useExecutorSandbox(): ExecutorSandbox {
  let dir = '';
  const strayPids = new Set<number>();

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'healops-exec-')));
  });

  afterEach(() => {
    // Safety net so a failing test does not leave `sleep 300` behind.
    for (const pid of strayPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    strayPids.clear();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  return {
    get dir() {
      return dir;
    },
    async script(name, body, mode = 0o755) {
      const path = join(dir, name);
      await writeFile(path, body);
      await chmod(path, mode);
      return path;
    },
    pidsIn(text) {
      const pids = [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      for (const pid of pids) strayPids.add(pid);
      return pids;
    },
  };
}

export function request(argv: string[], extra: Partial<ExecRequest> = {}): ExecRequest {
  const job = { package: 'test', id: 'check:test' };
  return { target: 'local', job, argv, env: {}, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024, ...extra };
}

/** Running = signalable and not a zombie (an exited child reparented to a PID 1 that never reaps it). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; a signal is asynchronous, so give it a moment (bounded). */
export async function isGoneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await isRunning(pid))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never appeared`);
}
