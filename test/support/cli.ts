import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HEALOPS_BIN = join(REPO, 'packages', 'cli', 'bin', 'healops.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Safety limit for the whole command (not a performance assertion). */
  readonly timeoutMs?: number;
  /** Called with the child once it started (e.g. to send it a signal). */
  readonly onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs the real `healops` bin in a child process, exactly as a user would. */
export function healops(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [HEALOPS_BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `healops ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** Parses stdout of a `--json` command, failing with the full output when it is not JSON. */
export function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`, {
      cause: error,
    });
  }
}

/** A scratch folder removed by the returned cleanup. */
export function scratch(prefix = 'healops-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes a package folder: `files` maps relative paths to contents; paths under checks/, repairs/ and stats/
 * (and any ending in .sh) are made executable.
 */
export function writePackage(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (/^(checks|repairs|stats)\//.test(rel) || rel.endsWith('.sh')) chmodSync(path, 0o755);
  }
  return dir;
}

/** The `healops run --json` result shape (the CLI contract). */
export interface RunJson {
  readonly results: RunResultJson[];
  readonly stats: RunResultJson[];
  readonly errors: string[];
}

export interface RunResultJson {
  readonly package: string;
  readonly check: string;
  readonly target: string;
  readonly status: 'ok' | 'warning' | 'critical' | 'unknown';
  readonly initialStatus: 'ok' | 'warning' | 'critical' | 'unknown';
  readonly outcome: 'ok' | 'soft-fail' | 'recovered' | 'escalated' | 'suppressed' | 'unknown' | 'skipped';
  readonly repair: {
    readonly attempted: boolean;
    readonly succeeded: boolean;
    readonly skippedReason: string | null;
    readonly attempts: Array<{
      attempt: number;
      exitCode: number | null;
      succeeded: boolean;
      verifyStatus: string;
    }>;
  };
  readonly metrics: Array<{ name: string; value: number; unit: string }>;
  readonly summary: string;
  readonly output: string;
  readonly truncated: boolean;
  readonly perfdataErrors: string[];
  readonly durationMs: number;
  readonly detail: string | null;
}
