import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodePackageFiles } from '../../local/src/node-package-files.js';
import { ManifestError } from '../src/errors.js';
import { loadPackage } from '../src/manifest/load-package.js';
import { brief } from './support/manifest-text.js';
import { type Entry, script, tempRoot, writeTree } from './support/package-dirs.js';

const files = new NodePackageFiles();
let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRoot());
});
afterEach(async () => {
  await cleanup();
});

async function loadError(dir: string): Promise<ManifestError> {
  try {
    await loadPackage(dir, files);
  } catch (error) {
    if (error instanceof ManifestError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected loadPackage to throw');
}

const HEAD = 'name: web\nversion: 1.0.0\n';

describe('loadPackage: a valid package', () => {
  it('returns the manifest with the real package folder and manifest path', async () => {
    await writeTree(root, {
      'web/healops.yaml': `${HEAD}checks:\n  - name: up\n    script: checks/up.sh\n    repair: { script: repairs/fix.sh }\nstats:\n  - { name: s, script: stats/s.sh }\n`,
      'web/checks/up.sh': script(),
      'web/repairs/fix.sh': script(),
      'web/stats/s.sh': script(),
      'via-link': { link: join(root, 'web') },
    });
    const loaded = await loadPackage(join(root, 'via-link'), files);
    expect(loaded.dir).toBe(join(root, 'web'));
    expect(loaded.manifestPath).toBe(join(root, 'web', 'healops.yaml'));
    expect(loaded.manifest.checks?.[0]?.script).toBe('checks/up.sh');
  });

  it('accepts a symlinked script that stays inside the package', async () => {
    await writeTree(root, {
      'web/healops.yaml': `${HEAD}checks: [{ name: up, script: checks/up.sh }]\n`,
      'web/lib/real-up.sh': script(),
      'web/checks/up.sh': { link: '../lib/real-up.sh' },
    });
    await expect(loadPackage(join(root, 'web'), files)).resolves.toMatchObject({ dir: join(root, 'web') });
  });

  it('does not require Windows scripts to be executable', async () => {
    await writeTree(root, {
      'win/healops.yaml': `name: win\nversion: 1.0.0\nplatform: windows\nchecks: [{ name: svc, script: checks/svc.ps1 }]\n`,
      'win/checks/svc.ps1': 'Write-Output "OK"\nexit 0\n',
    });
    await expect(loadPackage(join(root, 'win'), files)).resolves.toMatchObject({ manifest: { name: 'win' } });
  });
});

describe('loadPackage: hostile packages', () => {
  it.each<{ name: string; tree: (outside: string) => Record<string, Entry>; expected: string[] }>([
    {
      name: 'a missing script',
      tree: () => ({ 'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: checks/up.sh\n` }),
      expected: ['5:13 checks[0].script: script "checks/up.sh" not found in the package'],
    },
    {
      name: 'a script that is not executable',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: checks/up.sh\n`,
        'checks/up.sh': '#!/bin/sh\nexit 0\n',
      }),
      expected: [
        '5:13 checks[0].script: script "checks/up.sh" is not executable (chmod +x checks/up.sh); only platform: windows scripts may skip this',
      ],
    },
    {
      name: 'a non-executable script of a linux check in a windows package',
      tree: () => ({
        'healops.yaml': `${HEAD}platform: windows\nchecks:\n  - name: up\n    platform: linux\n    script: up.sh\n`,
        'up.sh': '#!/bin/sh\nexit 0\n',
      }),
      expected: [
        '7:13 checks[0].script: script "up.sh" is not executable (chmod +x up.sh); only platform: windows scripts may skip this',
      ],
    },
    {
      name: 'a non-executable repair and stats script',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    command: [x]\n    repair: { script: fix.sh }\nstats:\n  - { name: s, script: s.sh }\n`,
        'fix.sh': 'exit 0\n',
        's.sh': 'exit 0\n',
      }),
      expected: [
        '6:23 checks[0].repair.script: script "fix.sh" is not executable (chmod +x fix.sh); only platform: windows scripts may skip this',
        '8:24 stats[0].script: script "s.sh" is not executable (chmod +x s.sh); only platform: windows scripts may skip this',
      ],
    },
    {
      name: 'a script that is a folder',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: checks\n`,
        checks: { dir: true },
      }),
      expected: ['5:13 checks[0].script: script "checks" is not a regular file (it is a folder)'],
    },
    {
      name: 'a symlink escaping the package',
      tree: (outside) => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: checks/up.sh\n`,
        'checks/up.sh': { link: outside },
      }),
      expected: [
        '5:13 checks[0].script: script "checks/up.sh" resolves to "<outside>", outside the package folder (symlink)',
      ],
    },
    {
      name: 'a dangling symlink',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: up.sh\n`,
        'up.sh': { link: 'gone.sh' },
      }),
      expected: ['5:13 checks[0].script: script "up.sh" not found in the package'],
    },
    {
      name: 'an absolute script path (not looked up on disk)',
      tree: () => ({ 'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: /bin/sh\n` }),
      expected: [
        '5:13 checks[0].script: script "/bin/sh" must be a path relative to the package folder, not an absolute path',
      ],
    },
    {
      name: 'duplicate names and a dependsOn cycle',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - { name: a, command: [x], dependsOn: [b] }\n  - { name: b, command: [x], dependsOn: [a] }\n  - { name: a, command: [x] }\n`,
      }),
      expected: [
        '4:41 checks[0].dependsOn: dependency cycle: a → b → a',
        '6:13 checks[2].name: duplicate name "a" (also checks[0]); check and stats names must be unique',
      ],
    },
    {
      name: 'schema problems and file problems together',
      tree: () => ({
        'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: up.sh\n    timeout: soon\n  - name: b\n    script: ../b.sh\n`,
      }),
      expected: [
        '5:13 checks[0].script: script "up.sh" not found in the package',
        '6:14 checks[0].timeout: invalid duration "soon" (expected e.g. 500ms, 10s, 5m, 1h)',
        '8:13 checks[1].script: script "../b.sh" leaves the package folder',
      ],
    },
    {
      name: 'unknown keys and wrong types',
      tree: () => ({ 'healops.yaml': `${HEAD}checks:\n  - name: up\n    command: x\n    retries: 3\n` }),
      expected: [
        '5:14 checks[0].command: expected a list, got "x"',
        '6:5 checks[0].retries: unknown field "retries"',
      ],
    },
    {
      name: 'broken YAML',
      tree: () => ({ 'healops.yaml': `${HEAD}checks:\n  - name: up\n  command: [x]\n   bad: 1\n` }),
      expected: [
        '5:1 All mapping items must start at the same column',
        '6:1 All mapping items must start at the same column',
      ],
    },
  ])('reports $name', async ({ tree, expected }) => {
    const outside = join(root, 'outside.sh');
    await writeTree(root, { 'outside.sh': script() });
    const dir = join(root, 'pkg');
    await writeTree(dir, tree(outside));
    const error = await loadError(dir);
    expect(error.diagnostics.map(brief)).toEqual(expected.map((line) => line.replace('<outside>', outside)));
    expect(error.diagnostics.every((d) => d.file === join(dir, 'healops.yaml'))).toBe(true);
  });

  it('puts every diagnostic, with file:line:col, in the error message', async () => {
    const dir = join(root, 'pkg');
    await writeTree(dir, {
      'healops.yaml': `${HEAD}checks:\n  - name: up\n    script: a.sh\n  - name: b\n    script: b.sh\n`,
    });
    const error = await loadError(dir);
    expect(error.message.split('\n')).toEqual([
      `${dir}/healops.yaml:5:13: checks[0].script: script "a.sh" not found in the package`,
      `${dir}/healops.yaml:7:13: checks[1].script: script "b.sh" not found in the package`,
    ]);
  });

  it.each<{ name: string; setup: Record<string, Entry>; path: string; message: string | RegExp }>([
    { name: 'a missing folder', setup: {}, path: 'nope', message: 'package folder not found' },
    {
      name: 'a file instead of a folder',
      setup: { file: 'x' },
      path: 'file',
      message: /not a package folder/,
    },
    {
      name: 'a folder without healops.yaml',
      setup: { 'empty/readme.md': 'x' },
      path: 'empty',
      message: /no healops.yaml in/,
    },
  ])('rejects $name', async ({ setup, path, message }) => {
    await writeTree(root, setup);
    const error = await loadError(join(root, path));
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]?.message).toMatch(message);
  });
});
