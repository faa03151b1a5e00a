import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePluginOutput, STATUS_NAMES, type StatusName } from '@healops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const CATALOG = resolve(process.env.HEALOPS_CATALOG ?? 'catalog');
const stateDirs: string[] = [];
afterAll(() => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'healops-catalog-'));
  stateDirs.push(dir);
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(script: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(join(CATALOG, script), [], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HEALOPS_STATE_DIR: stateDir(), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STATE_WORDS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** The first line is `SERVICE STATE - text`, STATE agrees with the exit code, perfdata parses, stderr is empty. */
function expectContract(run: Run): void {
  expect(run.code === 0 || run.code === 1 || run.code === 2 || run.code === 3, run.stdout).toBe(true);
  const out = parsePluginOutput(run.stdout);
  const match = /^[A-Z][A-Z ]* (OK|WARNING|CRITICAL|UNKNOWN) - \S/.exec(out.summary);
  expect(match, out.summary).not.toBeNull();
  expect(match?.[1]).toBe(STATE_WORDS[run.code ?? 3]);
  expect(out.perfdataErrors).toEqual([]);
  expect(run.stderr).toBe('');
}

interface Case {
  readonly name: string;
  readonly script: string;
  readonly env?: Record<string, string>;
  /** Expected status, or the statuses that are all acceptable (machine-dependent checks). */
  readonly status: StatusName | readonly StatusName[];
  readonly perf?: readonly string[];
  readonly summary?: RegExp;
}

const cases: readonly Case[] = [
  {
    name: 'disk-space is green by default',
    script: 'linux-base/checks/disk-space.sh',
    status: 'ok',
    perf: ['/'],
  },
  {
    name: 'disk-space warns above disk_warn',
    script: 'linux-base/checks/disk-space.sh',
    env: { HEALOPS_PARAM_DISK_WARN: '0', HEALOPS_PARAM_DISK_PATHS: '/' },
    status: 'warning',
  },
  {
    name: 'disk-space is critical above disk_crit',
    script: 'linux-base/checks/disk-space.sh',
    env: { HEALOPS_PARAM_DISK_WARN: '0', HEALOPS_PARAM_DISK_CRIT: '0', HEALOPS_PARAM_DISK_PATHS: '/' },
    status: 'critical',
  },
  {
    name: 'disk-space is unknown for a missing path',
    script: 'linux-base/checks/disk-space.sh',
    env: { HEALOPS_PARAM_DISK_PATHS: '/no/such/path' },
    status: 'unknown',
    summary: /does not exist/,
  },
  {
    name: 'disk-space is unknown for a bad threshold',
    script: 'linux-base/checks/disk-space.sh',
    env: { HEALOPS_PARAM_DISK_WARN: 'lots' },
    status: 'unknown',
  },
  {
    // Not "green by default": the default (2 per core) is a real threshold a busy CI machine can cross.
    name: 'load is ok below its thresholds',
    script: 'linux-base/checks/load.sh',
    env: { HEALOPS_PARAM_LOAD_WARN: '1000', HEALOPS_PARAM_LOAD_CRIT: '2000' },
    status: 'ok',
    perf: ['load1', 'load5', 'load15'],
  },
  {
    name: 'load is critical above load_crit',
    script: 'linux-base/checks/load.sh',
    env: { HEALOPS_PARAM_LOAD_WARN: '0', HEALOPS_PARAM_LOAD_CRIT: '0' },
    // a load average of exactly 0.00 is possible on an idle machine; then the check is rightly OK
    status: readFileSync('/proc/loadavg', 'utf8')
      .split(' ')
      .slice(1, 3)
      .some((v) => Number(v) > 0)
      ? 'critical'
      : 'ok',
  },
  {
    name: 'memory is green by default',
    script: 'linux-base/checks/memory.sh',
    status: 'ok',
    perf: ['available', 'available_pct', 'swap_used'],
  },
  {
    name: 'memory is critical below mem_crit',
    script: 'linux-base/checks/memory.sh',
    env: { HEALOPS_PARAM_MEM_WARN: '100', HEALOPS_PARAM_MEM_CRIT: '100' },
    status: 'critical',
  },
  {
    name: 'process watches PID 1 by default',
    script: 'linux-base/checks/process.sh',
    status: 'ok',
    perf: ['processes'],
  },
  {
    name: 'process is critical when the named process is absent',
    script: 'linux-base/checks/process.sh',
    env: { HEALOPS_PARAM_PROCESS: 'no-such-proc-xyz' },
    status: 'critical',
    summary: /0 running/,
  },
  {
    name: 'process keeps a | in the name out of the perfdata',
    script: 'linux-base/checks/process.sh',
    env: { HEALOPS_PARAM_PROCESS: 'a|b' },
    status: 'critical',
    perf: ['processes'],
  },
  {
    name: 'clock-sync is never critical merely for a missing NTP daemon',
    script: 'linux-base/checks/clock-sync.sh',
    status: ['ok', 'warning', 'unknown'],
    perf: [],
  },
  {
    name: 'processes stats job',
    script: 'linux-base/stats/processes.sh',
    status: 'ok',
    perf: ['processes', 'threads', 'zombies'],
  },
  {
    name: 'tcp-connections stats job',
    script: 'linux-base/stats/tcp-connections.sh',
    status: 'ok',
    perf: ['connections', 'established', 'listen', 'time_wait'],
  },
  { name: 'uptime stats job', script: 'linux-base/stats/uptime.sh', status: 'ok', perf: ['uptime'] },
  {
    name: 'http-status needs a url',
    script: 'http-endpoint/checks/http-status.sh',
    status: 'unknown',
    summary: /url is not set/,
  },
  {
    name: 'http-status refuses non-http URLs',
    script: 'http-endpoint/checks/http-status.sh',
    env: { HEALOPS_PARAM_URL: 'file:///etc/passwd' },
    status: 'unknown',
  },
  {
    name: 'http-status is critical when nothing listens',
    script: 'http-endpoint/checks/http-status.sh',
    env: { HEALOPS_PARAM_URL: 'http://127.0.0.1:9/' },
    status: 'critical',
  },
  {
    name: 'tls-certificate is OK for http',
    script: 'http-endpoint/checks/tls-certificate.sh',
    env: { HEALOPS_PARAM_URL: 'http://127.0.0.1:9/' },
    status: 'ok',
    summary: /not https/,
  },
  {
    name: 'tls-certificate is unknown when no certificate can be fetched',
    script: 'http-endpoint/checks/tls-certificate.sh',
    env: { HEALOPS_PARAM_URL: 'https://127.0.0.1:9/' },
    status: 'unknown',
  },
];

describe('catalog scripts follow the plugin contract', () => {
  it.each(cases)('$name', ({ script, env, status, perf, summary }) => {
    const run = runScript(script, env);
    expectContract(run);
    const allowed: readonly StatusName[] = typeof status === 'string' ? [status] : status;
    expect(allowed).toContain(STATUS_NAMES[run.code ?? 3]);
    const out = parsePluginOutput(run.stdout);
    for (const label of perf ?? []) {
      expect(out.perfdata.map((p) => p.label)).toContain(label);
    }
    if (summary) expect(out.summary).toMatch(summary);
  });
});

describe('demo package', () => {
  it('fails, is repaired, then passes, sharing one state folder', () => {
    const dir = stateDir();
    const env = { HEALOPS_STATE_DIR: dir };
    const first = runScript('demo/checks/demo-service.sh', env);
    expectContract(first);
    expect(first.code).toBe(2);
    const repair = runScript('demo/repairs/start-demo-service.sh', {
      ...env,
      HEALOPS_CHECK_STATUS: 'CRITICAL',
    });
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain('REPAIR OK');
    const verify = runScript('demo/checks/demo-service.sh', env);
    expectContract(verify);
    expect(verify.code).toBe(0);
    const stats = runScript('demo/stats/demo-stats.sh', env);
    expectContract(stats);
    expect(parsePluginOutput(stats.stdout).perfdata.find((p) => p.label === 'service_up')?.value).toBe(1);
  });
});

describe('process repair', () => {
  it('changes nothing and exits 3 without the service param', () => {
    const run = runScript('linux-base/repairs/restart-service.sh');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('param service is not set');
  });

  it('refuses a service name that is not a unit name', () => {
    const run = runScript('linux-base/repairs/restart-service.sh', { HEALOPS_PARAM_SERVICE: 'x;reboot' });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('not a valid systemd unit name');
  });
});

describe('manifests', () => {
  const packages = ['demo', 'linux-base', 'http-endpoint', 'windows-base'];
  it.each(packages)('%s names scripts that exist and are executable', (name) => {
    const manifest = parse(readFileSync(join(CATALOG, name, 'healops.yaml'), 'utf8')) as {
      name: string;
      checks?: { script?: string; repair?: { script?: string } }[];
      stats?: { script?: string }[];
    };
    expect(manifest.name).toBe(name);
    const scripts = [
      ...(manifest.checks ?? []).flatMap((c) => [c.script, c.repair?.script]),
      ...(manifest.stats ?? []).map((s) => s.script),
    ].filter((s): s is string => s !== undefined);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const mode = statSync(join(CATALOG, name, script)).mode;
      expect(mode & 0o111, script).toBe(0o111);
    }
  });

  it.each(packages.filter((p) => p !== 'windows-base'))('%s shell scripts parse with dash', (name) => {
    const manifest = readFileSync(join(CATALOG, name, 'healops.yaml'), 'utf8');
    for (const script of manifest.matchAll(/script: (\S+\.sh)/g)) {
      const run = spawnSync('dash', ['-n', join(CATALOG, name, script[1] ?? '')], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
  });
});
