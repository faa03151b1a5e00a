/**
 * Fixtures for the robustness tests: each test gets its own scratch folder (removed when the test ends) holding its
 * packages and its --home, and runs the real `healops` bin with that folder as cwd, so no ./healops.config.yaml or
 * ./catalog of the repository is picked up by accident.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import {
  type CliOptions,
  type CliResult,
  healops,
  json,
  type RunJson,
  type RunResultJson,
  scratch,
  writePackage,
} from '../support/cli.js';

export interface Sandbox {
  /** Scratch folder (symlinks resolved, as the CLI reports paths): packages live in <root>/packages. */
  readonly root: string;
  /** Folder of packages, the usual PATH argument. */
  readonly packages: string;
  /** The --home of this sandbox. */
  readonly home: string;
}

/** A fresh sandbox, removed when the current test finishes. */
export function sandbox(): Sandbox {
  const { dir, cleanup } = scratch('healops-robust-');
  onTestFinished(cleanup);
  const root = realpathSync(dir);
  return { root, packages: join(root, 'packages'), home: join(root, 'home') };
}

/** A POSIX sh script (dash: no bashisms). */
export function sh(body: string): string {
  return `#!/bin/sh\n${body.trim()}\n`;
}

/** A check that prints `line` and exits with `code`. */
export function plugin(line: string, code: 0 | 1 | 2 | 3 = 0): string {
  return sh(`echo ${JSON.stringify(line)}\nexit ${code}`);
}

/**
 * Writes `<sandbox>/packages/<name>/healops.yaml` (name and version first, then `body`) and the given files
 * (scripts under checks/, repairs/, stats/ are made executable). Returns the package folder.
 */
export function addPackage(
  box: Sandbox,
  name: string,
  body: string,
  files: Record<string, string> = {},
): string {
  const manifest = `name: ${name}\nversion: 1.0.0\n${body.trim()}\n`;
  return writePackage(box.packages, name, { 'healops.yaml': manifest, ...files });
}

/** Runs the CLI in the sandbox (cwd = sandbox root). */
export function cli(box: Sandbox, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return healops(args, { cwd: box.root, ...options });
}

export interface RunOnce extends CliResult {
  readonly report: RunJson;
}

/** `healops run PATH... --once --json --home <home>`; fails with the whole output when stdout is not JSON. */
export async function runOnce(
  box: Sandbox,
  args: readonly string[] = [box.packages],
  options: CliOptions = {},
): Promise<RunOnce> {
  const result = await cli(box, ['run', ...args, '--once', '--json', '--home', box.home], options);
  return { ...result, report: json<RunJson>(result) };
}

/** The result of one check in a run report; fails when it is missing. */
export function resultOf(report: RunJson, check: string): RunResultJson {
  const found = [...report.results, ...report.stats].find((r) => r.check === check);
  if (!found) {
    throw new Error(
      `no result for ${check}; got ${[...report.results, ...report.stats].map((r) => r.check).join(', ')}`,
    );
  }
  return found;
}

/** HEALOPS_STATE_DIR of a package on the local target, where fixture scripts leave their traces. */
export function stateDir(box: Sandbox, pkg: string): string {
  return join(box.home, 'state', pkg, 'local');
}

/** Reads a PID a script wrote to a file. */
export function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1)
    throw new Error(`${file} holds no PID: ${readFileSync(file, 'utf8')}`);
  return pid;
}

/**
 * True while `pid` is a live (not zombie) process running `command`. A missing /proc entry, a zombie awaiting its
 * reaper, or a reused PID now running something else all count as "gone".
 */
export function isRunning(pid: number, command: string): boolean {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return false;
  let stat: string;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return false; // exited between the two calls
  }
  // "<pid> (<comm>) <state> ...": comm may hold spaces and parentheses, so split at the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(open + 1, close);
  const state = stat.slice(close + 2, close + 3);
  return comm === command && state !== 'Z' && state !== 'X';
}
