import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from '@healops/core';
import { type CliResult, healops, json, type RunJson, scratch, writePackage } from '../../support/cli.js';

/*
 * Fixtures for the end-to-end metrics sink tests: a scratch folder holding a tiny package whose checks print
 * perfdata, a healops.config.yaml with a `metrics:` section, and the real `healops` bin run against it with its own
 * --home. Stores listen on loopback.
 */

/** Retry delay after a first failed delivery: BufferedSink's DEFAULT_BACKOFF.baseMs (not exported by core). */
export const FIRST_RETRY_MS = 5_000;

/** Safety limit for one CLI command (not a performance assertion). */
const CLI_LIMIT_MS = 60_000;

/** The package every test runs: two checks, both OK, with perfdata (units, a `C:\ Used` label, a `/` label). */
export const PACKAGE = 'shop';
export const CHECKS = ['disk', 'web'] as const;

/** `http://127.0.0.1:<port><path>`. */
export function loopbackUrl(port: number, path = ''): string {
  return `http://127.0.0.1:${port}${path}`;
}

export interface SinkBox {
  readonly root: string;
  readonly home: string;
  readonly config: string;
}

/** A check script printing `line` exactly (a quoted here-document: no shell escapes) and exiting 0. */
function script(line: string): string {
  return `#!/bin/sh\ncat <<'EOF'\n${line}\nEOF\n`;
}

/** A scratch folder with the `shop` package; `onFinished` receives its cleanup (the test context's hook). */
export function sinkBox(onFinished: (cleanup: () => void) => void): SinkBox {
  const { dir, cleanup } = scratch('healops-e2e-sinks-');
  onFinished(cleanup);
  writePackage(join(dir, 'packages'), PACKAGE, {
    'healops.yaml': [
      `name: ${PACKAGE}`,
      'version: 1.0.0',
      'checks:',
      '  - name: web',
      '    script: checks/web.sh',
      '  - name: disk',
      '    script: checks/disk.sh',
      '',
    ].join('\n'),
    'checks/web.sh': script("WEB OK - 200 in 46 ms | rta=0.046ms;1;2;0 'C:\\ Used'=87.5%;90;95 conns=3"),
    'checks/disk.sh': script("DISK OK - 71% used | '/ used'=7100MB;8000;9500;0;10000 inodes=12.5%"),
  });
  return { root: dir, home: join(dir, 'home'), config: join(dir, 'healops.config.yaml') };
}

/** Writes the box's config: its packages, environment `e2e`, and `metrics:` followed by `metricsYaml`. */
export function writeConfig(box: SinkBox, metricsYaml: string): void {
  writeFileSync(box.config, `packages: [packages]\nenvironment: e2e\nmetrics:\n${metricsYaml}`);
}

/** Runs `healops <args>` in the box with loopback name resolution; `env` adds variables. */
export function cli(
  box: SinkBox,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return healops(args, {
    cwd: box.root,
    timeoutMs: CLI_LIMIT_MS,
    env: { ...env },
  });
}

export interface RunOutcome {
  readonly result: CliResult;
  readonly report: RunJson & { readonly startedAt: string; readonly finishedAt: string };
}

/** `healops run --once --json --config <box config> --home <box home>`. */
export async function runOnce(box: SinkBox, env: Record<string, string> = {}): Promise<RunOutcome> {
  const result = await cli(box, ['run', '--once', '--json', '--config', box.config, '--home', box.home], env);
  return { result, report: json<RunOutcome['report']>(result) };
}

/** Every point the box's SQLite store holds (`healops metrics --json`), oldest first. */
export async function localPoints(box: SinkBox): Promise<MetricPoint[]> {
  const result = await cli(box, ['metrics', '--json', '--since', '1h', '--home', box.home]);
  if (result.code !== 0) throw new Error(`healops metrics exited ${result.code}: ${result.stderr}`);
  return json<MetricPoint[]>(result);
}

/** Points of the package's check results (not the run's heartbeat and sink health). */
export function checkPoints(points: readonly MetricPoint[]): MetricPoint[] {
  return points.filter((p) => p.dimensions.package === PACKAGE);
}

/** The most recent value of healops.sink.<what> for `sink`, or undefined when none was recorded. */
export function sinkHealth(
  points: readonly MetricPoint[],
  what: 'pending' | 'dropped',
  sink: string,
): number | undefined {
  return points.filter((p) => p.name === `healops.sink.${what}` && p.dimensions.sink === sink).at(-1)?.value;
}

/** Distinct times (ms) of `name` points, ascending. */
export function timesOf(points: readonly MetricPoint[], name: string): number[] {
  return [...new Set(points.filter((p) => p.name === name).map((p) => Date.parse(p.time)))].sort(
    (a, b) => a - b,
  );
}

/**
 * Sleeps until a batch that failed during the run that finished at `finishedAt` is due again. BufferedSink
 * schedules the retry at (flush time + FIRST_RETRY_MS) and the flush happens before the report's finishedAt, so
 * waiting until finishedAt + FIRST_RETRY_MS (plus a margin for clock rounding) is always enough, and bounded.
 */
export async function waitForRetry(finishedAt: string): Promise<void> {
  const wait = Date.parse(finishedAt) + FIRST_RETRY_MS + 250 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** A run's stderr lines that are HealOps warnings. */
export function warnings(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('healops: warning:'));
}
