import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleError } from '../../shared/src/errors.js';
import { checkDepsFromEnv } from '../src/check-env.js';
import { checkInputSchema } from '../src/check-input.js';
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

  it('refuses a bundle path that does not exist, naming it', () => {
    expect(() => checkDepsFromEnv({ HEALOPS_BUNDLE_PATH: '/nonexistent/healops-bundle.json' })).toThrow(
      /cannot read the HealOps bundle \/nonexistent\/healops-bundle.json/,
    );
  });
});

describe('checkInputSchema', () => {
  it.each([
    ['a schedule payload', { package: 'web', schedule: 'rate(5 minutes)' }, true],
    ['a payload with an extra field', { package: 'web', schedule: 'rate(5 minutes)', extra: 1 }, false],
    ['a payload without a schedule', { package: 'web' }, false],
    ['an empty package name', { package: '', schedule: 'rate(5 minutes)' }, false],
    ['another event', { 'detail-type': 'HealOps Check Failed', detail: {} }, false],
  ])('%s: accepted %s', (_name, input, accepted) => {
    expect(checkInputSchema.safeParse(input).success).toBe(accepted);
  });
});
