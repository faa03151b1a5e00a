import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleError } from '../../shared/src/errors.js';
import { checkDepsFromEnv } from '../src/check-env.js';
import { checkInputSchema } from '../src/check-input.js';
import { capturedOutput } from './support/captured-output.js';
import { bundlePackage } from './support/check-fixture.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function bundlePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'healops-check-env-'));
  dirs.push(dir);
  const path = join(dir, 'healops-bundle.json');
  const pkg = bundlePackage({ type: 'tags', tags: { Role: ['web'] } });
  await writeFile(path, JSON.stringify({ version: 1, packages: [pkg], tickets: [] }));
  return path;
}

/** The Powertools Logger's lines `make` wrote, and its value. */
async function withLogs<T>(make: () => Promise<T>): Promise<{ deps: T; lines: string[] }> {
  const { value, lines } = await capturedOutput(make);
  return { deps: value, lines };
}

describe('checkDepsFromEnv', () => {
  it.each([
    ['HEALOPS_TABLE_NAME', { HEALOPS_EVENT_BUS_NAME: 'bus' }],
    ['HEALOPS_EVENT_BUS_NAME', { HEALOPS_TABLE_NAME: 'table' }],
  ])('names the missing %s', async (name, env) => {
    const path = await bundlePath();
    expect(() => checkDepsFromEnv({ ...env, HEALOPS_BUNDLE_PATH: path, AWS_REGION: 'us-east-1' })).toThrow(
      new BundleError(`the check function needs ${name} in its environment`),
    );
  });

  it('reads the bundle at HEALOPS_BUNDLE_PATH and builds the clients', async () => {
    const deps = checkDepsFromEnv({
      HEALOPS_BUNDLE_PATH: await bundlePath(),
      HEALOPS_TABLE_NAME: 'table',
      HEALOPS_EVENT_BUS_NAME: 'bus',
      AWS_REGION: 'us-east-1',
    });
    expect(deps.bundle.packages.map((p) => p.name)).toEqual(['web']);
    expect(deps.sinks?.map((s) => s.name)).toEqual(['emf']);
  });

  it('keeps idempotency records in HEALOPS_IDEMPOTENCY_TABLE_NAME', async () => {
    const { deps, lines } = await withLogs(async () =>
      checkDepsFromEnv({
        HEALOPS_BUNDLE_PATH: await bundlePath(),
        HEALOPS_TABLE_NAME: 'table',
        HEALOPS_EVENT_BUS_NAME: 'bus',
        HEALOPS_IDEMPOTENCY_TABLE_NAME: 'idempotency',
        AWS_REGION: 'us-east-1',
      }),
    );
    expect(deps.idempotency?.tableName).toBe('idempotency');
    expect(await deps.idempotency?.client.config.region()).toBe('us-east-1');
    expect(lines.filter((l) => l.includes('HEALOPS_IDEMPOTENCY_TABLE_NAME'))).toEqual([]);
  });

  it('runs without idempotency when HEALOPS_IDEMPOTENCY_TABLE_NAME is unset, and warns at init', async () => {
    const { deps, lines } = await withLogs(async () =>
      checkDepsFromEnv({
        HEALOPS_BUNDLE_PATH: await bundlePath(),
        HEALOPS_TABLE_NAME: 'table',
        HEALOPS_EVENT_BUS_NAME: 'bus',
        AWS_REGION: 'us-east-1',
      }),
    );
    expect(deps.idempotency).toBeUndefined();
    const warnings = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.level === 'WARN');
    expect(warnings.map((e) => e.message)).toEqual([
      'HEALOPS_IDEMPOTENCY_TABLE_NAME is not set: a duplicate invocation (Scheduler delivers at least once) runs the checks again',
    ]);
  });

  it('refuses a bundle path that does not exist, naming it', () => {
    expect(() => checkDepsFromEnv({ HEALOPS_BUNDLE_PATH: '/nonexistent/healops-bundle.json' })).toThrow(
      /cannot read the HealOps bundle \/nonexistent\/healops-bundle.json/,
    );
  });
});

describe('checkInputSchema', () => {
  it.each([
    ['a schedule payload', { package: 'web', schedule: 'rate(5 minutes)' }, true],
    [
      'a Scheduler payload',
      { package: 'web', schedule: 'rate(5 minutes)', scheduledTime: '2025-03-22T18:55:00Z' },
      true,
    ],
    [
      'a scheduledTime that is no ISO time',
      { package: 'web', schedule: 'rate(5 minutes)', scheduledTime: '22/03/2025 18:55' },
      false,
    ],
    ['a payload with an extra field', { package: 'web', schedule: 'rate(5 minutes)', extra: 1 }, false],
    ['a payload without a schedule', { package: 'web' }, false],
    ['an empty package name', { package: '', schedule: 'rate(5 minutes)' }, false],
    ['another event', { 'detail-type': 'HealOps Check Failed', detail: {} }, false],
  ])('%s: accepted %s', (_name, input, accepted) => {
    expect(checkInputSchema.safeParse(input).success).toBe(accepted);
  });
});
