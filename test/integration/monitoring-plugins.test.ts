import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  healops,
  json,
  type RunJson,
  type RunResultJson,
  scratch,
  writePackage,
} from '../support/cli.js';
import {
  type DiskUsage,
  df,
  missingPluginsError,
  PLUGIN_DIR,
  processCount,
  runPlugin,
  swap,
  toBytes,
} from './system-facts.js';

// Debian's monitoring-plugins (package monitoring-plugins-basic) through the real `healops` CLI. The plugins are
// always required: without them every test here fails with a message saying how to install them (.ci/run does).

const PLUGINS = [
  'check_disk',
  'check_load',
  'check_procs',
  'check_tcp',
  'check_swap',
  'check_users',
] as const;
const PKG = 'monitoring-plugins';
const PLUGIN_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

interface Fixture {
  readonly dir: string;
  readonly home: string;
  readonly commands: Record<string, readonly string[]>;
  readonly run: CliResult;
  readonly report: RunJson;
  readonly before: { disk: DiskUsage; load: number[]; procs: number; swap: ReturnType<typeof swap> };
  readonly after: Fixture['before'];
}

let fixture: Fixture | undefined;
/** Why the fixture could not be set up; every test then fails with it (so each counts as failed, not skipped). */
let setupError: unknown;
let cleanup = (): void => undefined;
let listener: Server | undefined;
let accepted = 0;

function plugin(name: string, ...args: string[]): string[] {
  return [join(PLUGIN_DIR, name), ...args];
}

async function listen(): Promise<Server> {
  const server = createServer((socket) => {
    accepted++;
    socket.on('error', () => socket.destroy());
    socket.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('listener has no TCP port');
  return address.port;
}

/** A port nothing listens on: one the kernel just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  server.close();
  await once(server, 'close');
  return port;
}

function yamlList(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}

function sample(): Fixture['before'] {
  return { disk: df('/'), load: loadavg(), procs: processCount(), swap: swap() };
}

function setup(): Fixture {
  if (setupError !== undefined) throw setupError;
  if (!fixture) throw new Error('fixture not set up');
  return fixture;
}

function result(check: string): RunResultJson {
  const found = setup().report.results.find((r) => r.check === check);
  if (!found) throw new Error(`no result for ${check} in:\n${setup().run.stdout}`);
  return found;
}

function metric(r: RunResultJson, name: string): { value: number; unit: string } {
  const found = r.metrics.find((m) => m.name === name);
  if (!found)
    throw new Error(`${r.check}: no metric ${name} among ${r.metrics.map((m) => m.name).join(', ')}`);
  return found;
}

function perfNames(r: RunResultJson): string[] {
  return r.metrics.map((m) => m.name).filter((n) => n.startsWith('healops.perf.'));
}

/** The status check_disk/check_swap give for a free percentage with `-w 20% -c 10%`. */
function freeStatus(freePercent: number): keyof typeof PLUGIN_EXIT {
  if (freePercent < 10) return 'critical';
  if (freePercent < 20) return 'warning';
  return 'ok';
}

async function createFixture(): Promise<Fixture> {
  const missing = missingPluginsError(PLUGINS);
  if (missing) throw missing;
  listener = await listen();
  const commands: Record<string, readonly string[]> = {
    disk: plugin('check_disk', '-w', '20%', '-c', '10%', '-p', '/'),
    load: plugin('check_load', '-w', '1000,1000,1000', '-c', '2000,2000,2000'),
    procs: plugin('check_procs'),
    'tcp-open': plugin('check_tcp', '-H', '127.0.0.1', '-p', String(portOf(listener)), '-t', '10'),
    'tcp-closed': plugin('check_tcp', '-H', '127.0.0.1', '-p', String(await closedPort()), '-t', '10'),
    swap: plugin('check_swap', '-w', '20%', '-c', '10%', '-n', 'ok'),
    users: plugin('check_users', '-w', '1000', '-c', '2000'),
  };
  const root = scratch('healops-plugins-');
  cleanup = root.cleanup;
  const checks = Object.entries(commands)
    .map(([name, argv]) => `  - name: ${name}\n    command: ${yamlList(argv)}\n`)
    .join('');
  const dir = writePackage(root.dir, PKG, {
    'healops.yaml': `name: ${PKG}\nversion: 1.0.0\ndefaults: { timeout: 20s }\nchecks:\n${checks}`,
  });
  const home = join(root.dir, 'home');
  const before = sample();
  const run = await healops(['run', dir, '--once', '--json', '--home', home], { cwd: root.dir });
  const after = sample();
  return { dir, home, commands, run, report: json<RunJson>(run), before, after };
}

beforeAll(async () => {
  try {
    fixture = await createFixture();
  } catch (error) {
    setupError = error;
  }
});

afterAll(async () => {
  cleanup();
  if (listener) {
    listener.close();
    await once(listener, 'close');
  }
});

describe('Debian monitoring-plugins through healops run --once --json', () => {
  it('runs every plugin; apart from disk and swap (machine-dependent) only the closed port fails, so exit 1', () => {
    const { run, report, commands } = setup();
    expect(report.errors).toEqual([]);
    expect(report.results.map((r) => r.check).sort()).toEqual(Object.keys(commands).sort());
    const failing = report.results.filter((r) => r.outcome !== 'ok').map((r) => r.check);
    expect(failing.filter((c) => c !== 'disk' && c !== 'swap')).toEqual(['tcp-closed']);
    expect(run.code).toBe(1);
  });

  it("check_disk: '/' used bytes match df and the status matches df's free space", () => {
    const { before, after } = setup();
    const r = result('disk');
    expect(perfNames(r)).toEqual(['healops.perf./']);
    const used = metric(r, 'healops.perf./');
    expect(['B', 'KB', 'MB', 'GB', 'TB']).toContain(used.unit);
    const bytes = toBytes(used.value, used.unit);
    // Other work writes to the disk meanwhile: allow 1% of the filesystem around the df readings.
    const slack = before.disk.totalBytes * 0.01;
    expect(bytes).toBeGreaterThanOrEqual(Math.min(before.disk.usedBytes, after.disk.usedBytes) - slack);
    expect(bytes).toBeLessThanOrEqual(Math.max(before.disk.usedBytes, after.disk.usedBytes) + slack);
    expect(r.status).toBe(freeStatus(before.disk.freePercent));
    expect(r.summary).toMatch(/^DISK (OK|WARNING|CRITICAL) - free space: \/ /);
    expect(metric(r, 'healops.check.status').value).toBe(PLUGIN_EXIT[r.status]);
  });

  it('check_load: load1/load5/load15 match os.loadavg() and are OK below huge thresholds', () => {
    const { before, after } = setup();
    const r = result('load');
    expect(r.status).toBe('ok');
    expect(r.outcome).toBe('ok');
    expect(perfNames(r)).toEqual(['healops.perf.load1', 'healops.perf.load5', 'healops.perf.load15']);
    ['load1', 'load5', 'load15'].forEach((label, i) => {
      const m = metric(r, `healops.perf.${label}`);
      expect(m.unit).toBe('');
      const low = Math.min(before.load[i] ?? 0, after.load[i] ?? 0);
      const high = Math.max(before.load[i] ?? 0, after.load[i] ?? 0);
      // Load averages drift a little between samples; they never jump by more than this in a few seconds.
      const slack = 0.5 + high * 0.25;
      expect(m.value).toBeGreaterThanOrEqual(Math.max(0, low - slack));
      expect(m.value).toBeLessThanOrEqual(high + slack);
    });
  });

  it('check_procs: procs is a positive count close to the processes in /proc', () => {
    const { before, after } = setup();
    const r = result('procs');
    expect(r.status).toBe('ok');
    expect(perfNames(r)).toEqual(['healops.perf.procs']);
    const procs = metric(r, 'healops.perf.procs');
    expect(procs.unit).toBe('');
    expect(Number.isInteger(procs.value)).toBe(true);
    expect(procs.value).toBeGreaterThan(0);
    const low = Math.min(before.procs, after.procs);
    const high = Math.max(before.procs, after.procs);
    expect(procs.value).toBeGreaterThanOrEqual(Math.floor(low * 0.5) - 20);
    expect(procs.value).toBeLessThanOrEqual(Math.ceil(high * 1.5) + 20);
    expect(r.summary).toContain(`${procs.value} processes`);
  });

  it('check_tcp: OK with a response time in seconds against a real listener', () => {
    const r = result('tcp-open');
    expect(r.status).toBe('ok');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(/^TCP OK - /);
    const time = metric(r, 'healops.perf.time');
    expect(time.unit).toBe('s');
    expect(time.value).toBeGreaterThanOrEqual(0);
    expect(time.value).toBeLessThan(10);
    expect(accepted).toBeGreaterThan(0);
  });

  it('check_tcp: CRITICAL against a closed port, escalated since the check has no repair', () => {
    const r = result('tcp-closed');
    expect(r.status).toBe('critical');
    expect(r.initialStatus).toBe('critical');
    expect(r.outcome).toBe('escalated');
    expect(r.repair.attempted).toBe(false);
    expect(r.repair.skippedReason).toBe('no-repair');
    expect(r.summary).toContain('Connection refused');
    expect(metric(r, 'healops.check.status').value).toBe(2);
    expect(metric(r, 'healops.escalation').value).toBe(1);
  });

  it('check_swap: free swap matches /proc/meminfo and the status its free percentage', () => {
    const { before, after } = setup();
    const r = result('swap');
    expect(perfNames(r)).toEqual(['healops.perf.swap']);
    const free = metric(r, 'healops.perf.swap');
    const bytes = toBytes(free.value, free.unit);
    const slack = before.swap.totalBytes * 0.05 + 16 * 1024 ** 2;
    expect(bytes).toBeGreaterThanOrEqual(Math.min(before.swap.freeBytes, after.swap.freeBytes) - slack);
    expect(bytes).toBeLessThanOrEqual(Math.max(before.swap.freeBytes, after.swap.freeBytes) + slack);
    const { totalBytes, freeBytes } = before.swap;
    // `-n ok`: no swap at all is OK; otherwise -w 20% -c 10% on the free share.
    expect(r.status).toBe(totalBytes === 0 ? 'ok' : freeStatus((freeBytes / totalBytes) * 100));
  });

  it('check_users: the users metric is the count the summary states', () => {
    const r = result('users');
    expect(r.status).toBe('ok');
    const users = metric(r, 'healops.perf.users');
    expect(users.unit).toBe('');
    expect(Number.isInteger(users.value)).toBe(true);
    expect(users.value).toBeGreaterThanOrEqual(0);
    expect(r.summary).toMatch(new RegExp(`^USERS OK - ${users.value} users currently logged in`));
  });

  it('stores the perfdata metrics so healops metrics returns them with their dimensions', async () => {
    const { home, dir } = setup();
    const stored = await healops(
      ['metrics', '--check', 'procs', '--name', 'healops.perf.procs', '--json', '--home', home],
      { cwd: dir },
    );
    expect(stored.code).toBe(0);
    const points =
      json<Array<{ name: string; value: number; unit: string; dimensions: Record<string, string> }>>(stored);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({
      name: 'healops.perf.procs',
      value: metric(result('procs'), 'healops.perf.procs').value,
      unit: '',
      dimensions: { package: PKG, check: 'procs', target: 'local' },
    });
  });
});

describe('healops check PKG/CHECK with Debian monitoring-plugins', () => {
  it('exits with the same code as the plugin run directly', async () => {
    const { dir, home, commands } = setup();
    const names = Object.keys(commands);
    const pairs = await Promise.all(
      names.map(async (name) => {
        const direct = await runPlugin(commands[name] ?? []);
        const viaHealops = await healops(['check', `${PKG}/${name}`, dir, '--home', home], { cwd: dir });
        return { name, direct: direct.code, healops: viaHealops.code };
      }),
    );
    // Every plugin exited normally (0..3), and healops check exited with that same code.
    for (const pair of pairs) expect([0, 1, 2, 3], pair.name).toContain(pair.direct);
    expect(pairs.map((p) => [p.name, p.healops])).toEqual(pairs.map((p) => [p.name, p.direct]));
    const code = (name: string) => pairs.find((p) => p.name === name)?.healops;
    expect(code('tcp-open')).toBe(0);
    expect(code('tcp-closed')).toBe(2);
    expect(code('load')).toBe(0);
  });
});
