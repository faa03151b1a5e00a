import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../packages/cli/src/workspace.js';
import { packDocuments } from '../src/command-documents.js';
import { buildDeploymentBundle } from '../src/deployment-bundle.js';
import { DeploymentConfigError } from '../src/errors.js';
import { REPO, workspace } from './support/synth-healops.js';

const CHECK = '#!/bin/sh\necho "OK - fine | up=1"\n';

function manifest(name: string, extra = ''): string {
  return `name: ${name}
version: 1.2.3
platform: linux
${extra}checks:
  - name: up
    script: checks/up.sh
    schedule: rate(5 minutes)
  - name: tcp
    command: [/usr/lib/nagios/plugins/check_tcp, -H, 127.0.0.1, -p, "22"]
    schedule: rate(5 minutes)
stats:
  - name: hourly
    command: [/bin/true]
    schedule: cron(0 * * * ? *)
`;
}

async function fixture(config: string) {
  return workspace({
    'healops.config.yaml': config,
    'pkgs/local-one/healops.yaml': manifest('local-one'),
    'pkgs/local-one/checks/up.sh': CHECK,
    'pkgs/tagged/healops.yaml': manifest('tagged', 'targets: { tags: { Role: [web, api] } }\n'),
    'pkgs/tagged/checks/up.sh': CHECK,
    'pkgs/needs-url/healops.yaml': manifest(
      'needs-url',
      'params: { url: { description: URL, required: true } }\n',
    ),
    'pkgs/needs-url/checks/up.sh': CHECK,
  });
}

describe('buildDeploymentBundle', () => {
  it('aims local packages at the HealOps tag, keeps SSM targets, and leaves out packages it cannot run', async () => {
    const root = await fixture('packages: [pkgs]\nenvironment: prod\n');
    const built = await buildDeploymentBundle({ root, tag: { key: 'Team', value: 'ops' } });

    expect(built.bundle.packages.map((p) => p.name)).toEqual(['local-one', 'tagged']);
    expect(built.bundle.packages[0]?.targets).toEqual({
      type: 'tags',
      tags: { Team: ['ops'] },
      platform: 'linux',
    });
    expect(built.bundle.packages[1]?.targets).toEqual({ type: 'tags', tags: { Role: ['web', 'api'] } });
    expect(built.skipped).toEqual([
      expect.objectContaining({ package: 'needs-url', reason: expect.stringContaining('url') }),
    ]);
    expect(built.environment).toBe('prod');
    expect(built.bundle.packages[0]?.checks.map((c) => c.environment)).toEqual(['prod', 'prod', 'prod']);
  });

  it('names each document after its package and sends the latest version, the one the stack deployed', async () => {
    const root = await fixture('packages: [pkgs]\n');
    const built = await buildDeploymentBundle({ root, documentPrefix: 'Ops-' });
    expect(built.documents.map((d) => d.name)).toEqual(['Ops-local-one', 'Ops-tagged']);
    expect(built.bundle.packages[0]?.document).toEqual({
      name: 'Ops-local-one',
      versionName: built.documents[0]?.versionName,
      documentVersion: '$LATEST',
    });
    expect(built.documents[0]?.versionName).toMatch(/^1\.2\.3-[0-9a-f]{12}$/);
    expect(built.documents[0]?.json).toContain('checks/up.sh');
  });

  it('keeps paths of the synth machine out of the bundle, so the asset hash does not depend on the checkout', async () => {
    const root = await fixture('packages: [pkgs]\n');
    const built = await buildDeploymentBundle({ root });
    const text = JSON.stringify(built.bundle);
    expect(text).not.toContain(root);
    const up = built.bundle.packages[0]?.checks[0];
    expect(up?.packageDir).toBe('/healops/packages/local-one');
    expect(up?.command.argv).toEqual(['/healops/packages/local-one/checks/up.sh']);
  });

  it('loads the same packages as the CLI (one shared loader)', async () => {
    const root = await fixture('packages: [pkgs]\n');
    const built = await buildDeploymentBundle({ root });
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const ws = await loadWorkspace([]);
      const names = ws.packages.map((p) => p.name).sort();
      expect(names).toEqual(['local-one', 'needs-url', 'tagged']);
      expect(
        [...built.bundle.packages.map((p) => p.name), ...built.skipped.map((s) => s.package)].sort(),
      ).toEqual(names);
    } finally {
      process.chdir(cwd);
    }
  });

  it('deploys the catalog when there is no healops.config.yaml', async () => {
    const built = await buildDeploymentBundle({ root: REPO, paths: [join(REPO, 'catalog')] });
    expect(built.bundle.packages.map((p) => p.name)).toEqual(['demo', 'linux-base', 'windows-base']);
    expect(built.skipped.map((s) => s.package)).toEqual(['http-endpoint']);
  });

  it('refuses a workspace with problems, listing them', async () => {
    const root = await workspace({
      'healops.config.yaml': 'packages: [pkgs]\nparams: { ghost: { a: 1 } }\n',
      'pkgs/broken/healops.yaml': 'name: broken\nversion: one\n',
    });
    const failure = buildDeploymentBundle({ root });
    await expect(failure).rejects.toThrow(DeploymentConfigError);
    await expect(failure).rejects.toThrow(/version[\s\S]*ghost/);
  });

  it('refuses a config file that does not exist', async () => {
    await expect(buildDeploymentBundle({ root: REPO, config: 'no-such.yaml' })).rejects.toThrow(
      /cannot load the HealOps workspace: --config: no-such.yaml not found/,
    );
  });
});

describe('packDocuments', () => {
  const doc = (name: string, bytes: number) =>
    ({ name, bytes }) as unknown as Parameters<typeof packDocuments>[0][number];

  it.each([
    { sizes: [10, 10, 10], max: 25, count: 10, groups: [['a', 'b'], ['c']] },
    { sizes: [30, 5], max: 25, count: 10, groups: [['a'], ['b']] },
    { sizes: [1, 1, 1, 1, 1], max: 100, count: 2, groups: [['a', 'b'], ['c', 'd'], ['e']] },
    { sizes: [], max: 100, count: 2, groups: [] },
  ])('splits $sizes (max $max bytes, $count per stack) into $groups', ({ sizes, max, count, groups }) => {
    const documents = sizes.map((bytes, i) => doc(String.fromCharCode(97 + i), bytes));
    expect(packDocuments(documents, max, count).map((g) => g.map((d) => d.name))).toEqual(groups);
  });
});
