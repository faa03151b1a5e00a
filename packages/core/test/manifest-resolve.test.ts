import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { BUILTIN_DEFAULTS } from '../src/manifest/defaults.js';
import type { LoadedPackage } from '../src/manifest/load-package.js';
import { parseManifest } from '../src/manifest/parse-manifest.js';
import { resolvePackage } from '../src/manifest/resolve.js';
import type { ResolvedCheck } from '../src/model/check.js';
import { yaml } from './support/manifest-text.js';

const DIR = '/srv/healops/web';

function load(text: string): LoadedPackage {
  const parsed = parseManifest(text, `${DIR}/healops.yaml`);
  if (!parsed.value) {
    throw new Error(`fixture is invalid:\n${parsed.diagnostics.map((d) => d.message).join('\n')}`);
  }
  return { manifest: parsed.value, dir: DIR, manifestPath: `${DIR}/healops.yaml` };
}

function byName(checks: readonly ResolvedCheck[], name: string): ResolvedCheck {
  const found = checks.find((c) => c.name === name);
  if (!found) {
    throw new Error(`no resolved check ${name}`);
  }
  return found;
}

describe('resolvePackage: defaults', () => {
  it('fills every field of a bare check from the built-in defaults', () => {
    const pkg = load('name: web\nversion: 1.2.3\nchecks: [{ name: up, command: [check_up] }]\n');
    const { checks, skipped } = resolvePackage(pkg);
    expect(skipped).toBeUndefined();
    expect(checks).toEqual([
      {
        kind: 'check',
        package: 'web',
        packageVersion: '1.2.3',
        name: 'up',
        environment: 'default',
        command: { argv: ['check_up'], fromPackage: false, display: 'check_up' },
        schedule: 'rate(5 minutes)',
        timeoutMs: 60_000,
        failAfter: 1,
        unknownAfter: 3,
        failOn: 'critical',
        severity: 'critical',
        platform: 'any',
        dependsOn: [],
        maintenance: [],
        flap: { enabled: true, low: 20, high: 30 },
        reportOnly: false,
        env: {},
        packageDir: DIR,
      },
    ]);
  });

  it('exports the built-in defaults as one constant', () => {
    expect(BUILTIN_DEFAULTS).toEqual({
      environment: 'default',
      schedule: 'rate(5 minutes)',
      timeoutMs: 60_000,
      failAfter: 1,
      unknownAfter: 3,
      failOn: 'critical',
      severity: 'critical',
      platform: 'any',
      flap: { enabled: true, low: 20, high: 30 },
      reportOnly: false,
      repair: {
        verifyAfterMs: 5_000,
        maxAttempts: 1,
        timeoutMs: 60_000,
        budget: { max: 3, perMs: 3_600_000, backoffMs: 0 },
      },
    });
  });

  it('layers package defaults over built-ins and check fields over package defaults', () => {
    const pkg = load(yaml`
      name: web
      version: 1.0.0
      platform: linux
      runbook: https://wiki.example/web
      defaults:
        schedule: rate(10 minutes)
        timeout: 30s
        failAfter: 3
        severity: warning
        flap: false
        maintenance: [{ cron: "0 3 * * *", duration: 1h }]
        repair: { verifyAfter: 20s, budget: { max: 5 } }
      checks:
        - name: inherits
          command: [a]
          repair: { command: [fix-a] }
        - name: overrides
          command: [b]
          schedule: cron(0 12 * * ? *)
          timeout: 1m30s
          failAfter: 1
          unknownAfter: 5
          failOn: warning
          severity: info
          platform: windows
          runbook: https://wiki.example/b
          flap: { low: 10, high: 40 }
          reportOnly: true
          maintenance: []
          repair: { command: [fix-b], verifyAfter: 1s, maxAttempts: 3, timeout: 2m, budget: { per: 1d, backoff: 10s } }
          dependsOn: [inherits]
    `);
    const { checks } = resolvePackage(pkg);
    expect(byName(checks, 'inherits')).toMatchObject({
      schedule: 'rate(10 minutes)',
      timeoutMs: 30_000,
      failAfter: 3,
      unknownAfter: 3,
      failOn: 'critical',
      severity: 'warning',
      platform: 'linux',
      runbook: 'https://wiki.example/web',
      flap: { enabled: false, low: 20, high: 30 },
      maintenance: [{ cron: '0 3 * * *', durationMs: 3_600_000 }],
      repair: {
        command: { argv: ['fix-a'], fromPackage: false, display: 'fix-a' },
        verifyAfterMs: 20_000,
        maxAttempts: 1,
        timeoutMs: 60_000,
        budget: { max: 5, perMs: 3_600_000, backoffMs: 0 },
      },
    });
    expect(byName(checks, 'overrides')).toMatchObject({
      schedule: 'cron(0 12 * * ? *)',
      timeoutMs: 90_000,
      failAfter: 1,
      unknownAfter: 5,
      failOn: 'warning',
      severity: 'info',
      platform: 'windows',
      runbook: 'https://wiki.example/b',
      flap: { enabled: true, low: 10, high: 40 },
      reportOnly: true,
      maintenance: [],
      dependsOn: ['inherits'],
      repair: {
        command: { argv: ['fix-b'], fromPackage: false, display: 'fix-b' },
        verifyAfterMs: 1_000,
        maxAttempts: 3,
        timeoutMs: 120_000,
        budget: { max: 5, perMs: 86_400_000, backoffMs: 10_000 },
      },
    });
  });

  it('reads flap: true as detection with the default thresholds', () => {
    const pkg = load(
      'name: web\nversion: 1.0.0\ndefaults: { flap: false }\nchecks: [{ name: a, command: [x], flap: true }]\n',
    );
    expect(resolvePackage(pkg).checks[0]?.flap).toEqual({ enabled: true, low: 20, high: 30 });
  });

  it('keeps the maintenance time zone', () => {
    const pkg = load(
      'name: web\nversion: 1.0.0\nchecks:\n  - name: a\n    command: [x]\n    maintenance: [{ cron: "0 2 * * SUN", duration: 2h, timezone: Europe/Berlin }]\n',
    );
    expect(resolvePackage(pkg).checks[0]?.maintenance).toEqual([
      { cron: '0 2 * * SUN', durationMs: 7_200_000, timezone: 'Europe/Berlin' },
    ]);
  });
});

describe('resolvePackage: scripts, commands and params', () => {
  const manifest = yaml`
    name: http-endpoint
    version: 1.0.0
    environment: production
    params:
      url: { description: URL to probe, required: true }
      port: { default: 80 }
      tls: { default: false }
      proxy: { description: "optional, no default" }
    checks:
      - name: http
        command: [check_http, -u, "\${params.url}", -p, "port=\${params.port}", "\${params.proxy}", "$\${HOME}"]
        repair:
          script: ./repairs/../repairs/restart.sh
      - name: local
        script: checks/local.sh
    stats:
      - name: latency
        script: stats/latency.sh
        schedule: rate(1 minute)
  `;

  it(`substitutes \${params.x} in commands, makes scripts absolute and passes params as HEALOPS_PARAM_*`, () => {
    const { checks, skipped } = resolvePackage(load(manifest), {
      params: { url: 'https://example.org/health' },
    });
    expect(skipped).toBeUndefined();
    const env = {
      HEALOPS_PARAM_URL: 'https://example.org/health',
      HEALOPS_PARAM_PORT: '80',
      HEALOPS_PARAM_TLS: 'false',
    };
    expect(byName(checks, 'http').command).toEqual({
      argv: ['check_http', '-u', 'https://example.org/health', '-p', 'port=80', '', `\${HOME}`],
      fromPackage: false,
      // The logged form keeps placeholders: parameter values (secrets) never reach logs or the audit trail.
      display: 'check_http -u ${params.url} -p port=${params.port} ${params.proxy} $${HOME}',
    });
    expect(byName(checks, 'http').repair?.command).toEqual({
      argv: [`${DIR}/repairs/restart.sh`],
      fromPackage: true,
      display: 'repairs/restart.sh',
    });
    expect(byName(checks, 'local').command).toEqual({
      argv: [`${DIR}/checks/local.sh`],
      fromPackage: true,
      display: 'checks/local.sh',
    });
    for (const check of checks) {
      expect(check.env).toEqual(env);
      expect(check.environment).toBe('production');
      expect(check.packageDir).toBe(DIR);
    }
  });

  it('lets configured values (numbers and booleans as strings) override defaults', () => {
    const { checks } = resolvePackage(load(manifest), { params: { url: 'http://x', port: 8080, tls: true } });
    expect(byName(checks, 'http').command.argv).toContain('port=8080');
    expect(byName(checks, 'local').env).toMatchObject({
      HEALOPS_PARAM_PORT: '8080',
      HEALOPS_PARAM_TLS: 'true',
    });
  });

  it('lets the config environment override the package environment', () => {
    const { checks } = resolvePackage(load(manifest), {
      params: { url: 'http://x' },
      environment: 'staging',
    });
    expect(checks.map((c) => c.environment)).toEqual(['staging', 'staging', 'staging']);
  });

  it('skips the package, naming the setting, when a required parameter has no value', () => {
    expect(resolvePackage(load(manifest))).toEqual({
      targets: { type: 'local' },
      checks: [],
      skipped: {
        package: 'http-endpoint',
        reason: 'missing required parameter "url" (set params.http-endpoint.url in healops.config.yaml)',
        checks: ['http', 'local', 'latency'],
      },
    });
  });

  it('names every missing required parameter', () => {
    const pkg = load(
      'name: db\nversion: 1.0.0\nparams: { user: { required: true }, host: { required: true } }\nchecks: [{ name: a, command: [x] }]\n',
    );
    expect(resolvePackage(pkg).skipped?.reason).toBe(
      'missing required parameters "user", "host" (set params.db.user, params.db.host in healops.config.yaml)',
    );
  });

  it('throws a ConfigError naming parameters the package does not declare', () => {
    const run = () => resolvePackage(load(manifest), { params: { url: 'x', prot: 1, tsl: true } });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(
      'unknown parameters "prot", "tsl" for package "http-endpoint" (declared: url, port, tls, proxy)',
    );
  });

  it('throws for any parameter when the package declares none', () => {
    const pkg = load('name: web\nversion: 1.0.0\nchecks: [{ name: a, command: [x] }]\n');
    expect(() => resolvePackage(pkg, { params: { port: 1 } })).toThrow(
      'unknown parameter "port" for package "web" (it declares no params)',
    );
  });
});

describe('resolvePackage: stats jobs', () => {
  it('resolves stats as kind "stats" with schedule, timeout and platform, never a repair or dependencies', () => {
    const pkg = load(yaml`
      name: web
      version: 1.0.0
      platform: linux
      defaults: { schedule: rate(2 minutes), timeout: 20s }
      stats:
        - { name: conns, command: [ss, -s], timeout: 5s, platform: any }
        - { name: load, script: stats/load.sh }
    `);
    const { checks } = resolvePackage(pkg);
    expect(byName(checks, 'conns')).toMatchObject({
      kind: 'stats',
      schedule: 'rate(2 minutes)',
      timeoutMs: 5_000,
      platform: 'any',
      dependsOn: [],
    });
    expect(byName(checks, 'conns').repair).toBeUndefined();
    expect(byName(checks, 'load')).toMatchObject({
      kind: 'stats',
      timeoutMs: 20_000,
      platform: 'linux',
      command: { argv: [`${DIR}/stats/load.sh`], fromPackage: true },
    });
  });

  it('lists checks before stats, each in manifest order', () => {
    const pkg = load(
      'name: web\nversion: 1.0.0\nstats: [{ name: s1, command: [x] }]\nchecks: [{ name: c2, command: [x] }, { name: c1, command: [x] }]\n',
    );
    expect(resolvePackage(pkg).checks.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'check:c2',
      'check:c1',
      'stats:s1',
    ]);
  });
});
