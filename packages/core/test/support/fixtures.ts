import type { CheckKey, RepairPolicy, ResolvedCheck } from '../../src/model/check.js';
import type { CheckRun } from '../../src/model/results.js';
import type { StatusName } from '../../src/model/status.js';

export const KEY: CheckKey = { package: 'web', check: 'nginx-up', target: 'local' };

export const REPAIR_POLICY: RepairPolicy = {
  command: { argv: ['/pkg/repairs/restart.sh'], fromPackage: true, display: '/pkg/repairs/restart.sh' },
  verifyAfterMs: 0,
  maxAttempts: 1,
  timeoutMs: 10_000,
  budget: { max: 3, perMs: 3_600_000, backoffMs: 0 },
};

export function makeCheck(overrides: Partial<ResolvedCheck> = {}): ResolvedCheck {
  return {
    kind: 'check',
    package: 'web',
    packageVersion: '1.0.0',
    name: 'nginx-up',
    environment: 'test',
    command: { argv: ['/pkg/checks/nginx-up.sh'], fromPackage: true, display: '/pkg/checks/nginx-up.sh' },
    schedule: 'rate(1 minute)',
    timeoutMs: 10_000,
    failAfter: 1,
    unknownAfter: 3,
    failOn: 'critical',
    severity: 'critical',
    platform: 'any',
    repair: REPAIR_POLICY,
    dependsOn: [],
    maintenance: [],
    flap: { enabled: true, low: 20, high: 30 },
    reportOnly: false,
    env: {},
    packageDir: '/pkg',
    ...overrides,
  };
}

export function makeRun(
  status: StatusName,
  at = new Date('2026-01-01T00:00:00Z'),
  key: CheckKey = KEY,
): CheckRun {
  const exitCode = { ok: 0, warning: 1, critical: 2, unknown: 3 }[status];
  return {
    key,
    status,
    exitCode,
    summary: `${status.toUpperCase()} - test`,
    longOutput: '',
    output: `${status.toUpperCase()} - test`,
    perfdata: [],
    perfdataErrors: [],
    truncated: false,
    durationMs: 5,
    startedAt: at.toISOString(),
  };
}
