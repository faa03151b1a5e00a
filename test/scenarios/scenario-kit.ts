/**
 * Fixture packages and CLI shortcuts for the lifecycle scenarios. Every fixture lives in its own scratch folder with
 * its own --home, and hands its scripts a "spy" folder (HEALOPS_PARAM_SPY) where they log what they ran and saw,
 * and where a test drops marker files to change a check's answer between runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
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

export interface Fixture {
  /** Scratch folder: packages, spy folder and home all live in it; the CLI runs with it as cwd. */
  readonly root: string;
  /** Folder the scripts write to (HEALOPS_PARAM_SPY). */
  readonly spy: string;
  /** The --home of this fixture. */
  readonly home: string;
}

export interface PackageSpec {
  readonly name: string;
  /** healops.yaml after name, version and the `spy` param: `checks:`, `defaults:` and so on. */
  readonly manifest: string;
  /** Script files by relative path (checks/x.sh, repairs/y.sh). */
  readonly files: Record<string, string>;
}

/** A fresh scratch folder (removed when the current test ends) with a spy folder and a home. */
export function fixture(): Fixture {
  const { dir, cleanup } = scratch('healops-scenario-');
  onTestFinished(cleanup);
  const spy = join(dir, 'spy');
  mkdirSync(spy);
  return { root: dir, spy, home: join(dir, 'home') };
}

/** Writes a package under `<root>/packages/<name>` and returns its folder. */
export function addPackage(f: Fixture, spec: PackageSpec): string {
  const manifest = [
    `name: ${spec.name}`,
    'version: 1.0.0',
    'params:',
    `  spy: { default: ${JSON.stringify(f.spy)} }`,
    spec.manifest.trim(),
    '',
  ].join('\n');
  return writePackage(join(f.root, 'packages'), spec.name, { 'healops.yaml': manifest, ...spec.files });
}

/** A fixture holding exactly one package. */
export function singlePackage(spec: PackageSpec): Fixture & { readonly pkg: string } {
  const f = fixture();
  return { ...f, pkg: addPackage(f, spec) };
}

const WORDS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/**
 * A check that logs each execution to `$SPY/<name>.runs` and is OK while `$SPY/<marker>` exists, else exits
 * `failCode` (2 CRITICAL by default). Its perfdata label is `conns` (3 when OK, 0 when not).
 */
export function markerCheck(name: string, marker: string, failCode: 1 | 2 | 3 = 2): string {
  return `#!/bin/sh
echo run >> "$HEALOPS_PARAM_SPY/${name}.runs"
if [ -f "$HEALOPS_PARAM_SPY/${marker}" ]; then
  echo "SVC OK - ${marker} is up | 'conns'=3;5;10;0"
  exit 0
fi
echo "SVC ${WORDS[failCode]} - ${marker} is down | 'conns'=0;5;10;0"
exit ${failCode}
`;
}

/** A check that flips on every execution: CRITICAL first, then OK, then CRITICAL, ... */
export function toggleCheck(name: string): string {
  return `#!/bin/sh
echo run >> "$HEALOPS_PARAM_SPY/${name}.runs"
if [ -f "$HEALOPS_PARAM_SPY/${name}.toggle" ]; then
  rm "$HEALOPS_PARAM_SPY/${name}.toggle"
  echo "SVC OK - toggled up"
  exit 0
fi
touch "$HEALOPS_PARAM_SPY/${name}.toggle"
echo "SVC CRITICAL - toggled down"
exit 2
`;
}

/**
 * A repair that appends its attempt number to `$SPY/<name>.runs`, saves HEALOPS_CHECK_STATUS to
 * `$SPY/<name>.status` and its stdin to `$SPY/<name>.stdin`, creates `$SPY/<creates>` when given, and exits `exitCode`.
 */
export function repairScript(name: string, options: { creates?: string; exitCode?: number } = {}): string {
  return `#!/bin/sh
echo "$HEALOPS_REPAIR_ATTEMPT" >> "$HEALOPS_PARAM_SPY/${name}.runs"
printf '%s\\n' "$HEALOPS_CHECK_STATUS" > "$HEALOPS_PARAM_SPY/${name}.status"
cat > "$HEALOPS_PARAM_SPY/${name}.stdin"
${options.creates ? `touch "$HEALOPS_PARAM_SPY/${options.creates}"` : ''}
echo "repair ${name} done"
exit ${options.exitCode ?? 0}
`;
}

/** Lines a script appended to `$SPY/<name>.runs` (0 when it never ran). */
export function runsOf(f: Fixture, name: string): number {
  const path = join(f.spy, `${name}.runs`);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

export function spyFile(f: Fixture, file: string): string {
  return readFileSync(join(f.spy, file), 'utf8');
}

/** Drops a marker file the marker checks look for. */
export function setMarker(f: Fixture, marker: string): void {
  writeFileSync(join(f.spy, marker), '');
}

function cli(f: Fixture, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return healops(args, { cwd: f.root, ...options });
}

export interface RunOnce {
  readonly code: number | null;
  readonly report: RunJson;
  readonly stderr: string;
}

/** `healops run <paths> --once --json --home <home> ...extra`. */
export async function runOnce(
  f: Fixture,
  paths: readonly string[],
  extra: readonly string[] = [],
): Promise<RunOnce> {
  const result = await cli(f, ['run', ...paths, '--once', '--json', '--home', f.home, ...extra]);
  return { code: result.code, report: json<RunJson>(result), stderr: result.stderr };
}

/** The one result of a run that holds a single check. */
export function onlyResult(run: RunOnce): RunResultJson {
  expect(run.report.errors).toEqual([]);
  expect(run.report.results).toHaveLength(1);
  const [result] = run.report.results;
  if (result === undefined) throw new Error('no result');
  return result;
}

export function resultOf(run: RunOnce, check: string): RunResultJson {
  const result = run.report.results.find((r) => r.check === check);
  if (result === undefined) throw new Error(`no result for ${check}: ${JSON.stringify(run.report.results)}`);
  return result;
}

export interface ProblemJson {
  readonly package: string;
  readonly check: string;
  readonly target: string;
  readonly dedupKey: string;
  readonly openedAt: string;
  readonly severity: string;
  readonly reason: string;
  readonly lastStatus: string;
  readonly occurrences: number;
}

export interface StatusJson {
  readonly dot: 'green' | 'yellow' | 'red';
  readonly problems: readonly ProblemJson[];
}

export interface AuditJson {
  readonly time: string;
  readonly type: string;
  readonly key: { readonly package: string; readonly check: string; readonly target: string };
  readonly status?: string;
  readonly message: string;
  readonly detail?: Record<string, unknown>;
}

export interface MetricJson {
  readonly time: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
}

async function exitZeroJson<T>(f: Fixture, args: readonly string[]): Promise<T> {
  const result = await cli(f, [...args, '--json', '--home', f.home]);
  expect(result.code, result.stderr).toBe(0);
  return json<T>(result);
}

export function status(f: Fixture): Promise<StatusJson> {
  return exitZeroJson<StatusJson>(f, ['status']);
}

export function audit(f: Fixture, extra: readonly string[] = []): Promise<AuditJson[]> {
  return exitZeroJson<AuditJson[]>(f, ['audit', ...extra]);
}

export function metrics(f: Fixture, extra: readonly string[] = []): Promise<MetricJson[]> {
  return exitZeroJson<MetricJson[]>(f, ['metrics', ...extra]);
}

/** Values of one metric, oldest first. */
export function valuesOf(points: readonly MetricJson[], name: string): number[] {
  return points.filter((p) => p.name === name).map((p) => p.value);
}

/** Asserts that `types` occur in `events` in this order (other events may sit between them). */
export function expectInOrder(events: readonly AuditJson[], types: readonly string[]): void {
  const seen = events.map((e) => e.type);
  let from = 0;
  for (const type of types) {
    const at = seen.indexOf(type, from);
    expect(at, `audit ${type} after position ${from} in [${seen.join(', ')}]`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}
