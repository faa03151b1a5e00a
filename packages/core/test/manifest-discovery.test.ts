import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodePackageFiles } from '../../local/src/node-package-files.js';
import { ManifestError } from '../src/errors.js';
import { discoverPackages } from '../src/manifest/discover-packages.js';
import { loadConfig } from '../src/manifest/load-config.js';
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

/** A valid package in folder `path`, named after the folder. */
function pkg(path: string): Record<string, Entry> {
  return {
    [`${path}/healops.yaml`]: `name: ${basename(path)}\nversion: 1.0.0\nchecks: [{ name: up, script: up.sh }]\n`,
    [`${path}/up.sh`]: script(),
  };
}

function messages(errors: readonly ManifestError[]): string[] {
  return errors.flatMap((e) => e.diagnostics.map((d) => `${d.file}: ${d.message}`));
}

describe('discoverPackages', () => {
  it('loads a path that is itself a package', async () => {
    await writeTree(root, pkg('web'));
    const result = await discoverPackages([join(root, 'web')], files);
    expect(result.errors).toEqual([]);
    expect(result.packages.map((p) => p.manifest.name)).toEqual(['web']);
  });

  it('loads the immediate subfolders of a folder of packages, sorted, skipping hidden and non-package folders', async () => {
    await writeTree(root, {
      ...pkg('catalog/zeta'),
      ...pkg('catalog/alpha'),
      'catalog/.hidden/healops.yaml': 'name: hidden\nversion: 1.0.0\nchecks: [{ name: up, command: [x] }]\n',
      ...pkg('catalog/docs/nested'),
      'catalog/readme.md': '# catalog\n',
    });
    const result = await discoverPackages([join(root, 'catalog')], files);
    expect(result.errors).toEqual([]);
    expect(result.packages.map((p) => p.dir)).toEqual([
      join(root, 'catalog/alpha'),
      join(root, 'catalog/zeta'),
    ]);
  });

  it('keeps the order of the given paths', async () => {
    await writeTree(root, { ...pkg('b'), ...pkg('a') });
    const result = await discoverPackages([join(root, 'b'), join(root, 'a')], files);
    expect(result.packages.map((p) => p.manifest.name)).toEqual(['b', 'a']);
  });

  it('reports a path with no package, naming it', async () => {
    await writeTree(root, { 'empty/notes/readme.md': 'x' });
    const result = await discoverPackages([join(root, 'empty')], files);
    expect(result.packages).toEqual([]);
    expect(messages(result.errors)).toEqual([
      `${join(root, 'empty')}: no HealOps package found (no healops.yaml in it or in its immediate subfolders)`,
    ]);
  });

  it('reports a missing path and a file path without hiding the packages found elsewhere', async () => {
    await writeTree(root, { ...pkg('web'), 'file.txt': 'x' });
    const result = await discoverPackages(
      [join(root, 'nope'), join(root, 'file.txt'), join(root, 'web')],
      files,
    );
    expect(result.packages.map((p) => p.manifest.name)).toEqual(['web']);
    expect(messages(result.errors)).toEqual([
      `${join(root, 'nope')}: package path not found`,
      `${join(root, 'file.txt')}: not a folder (expected a package folder or a folder of packages)`,
    ]);
  });

  it('reports a bad package with its diagnostics and still returns the good ones', async () => {
    await writeTree(root, {
      ...pkg('catalog/good'),
      'catalog/bad/healops.yaml': 'name: bad\nversion: 1.0.0\nchecks: [{ name: up, script: missing.sh }]\n',
    });
    const result = await discoverPackages([join(root, 'catalog')], files);
    expect(result.packages.map((p) => p.manifest.name)).toEqual(['good']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.diagnostics).toEqual([
      {
        file: join(root, 'catalog/bad/healops.yaml'),
        line: 3,
        col: 30,
        path: 'checks[0].script',
        message: 'script "missing.sh" not found in the package',
      },
    ]);
  });

  it('reports a package name used twice, naming both folders, and keeps the first', async () => {
    await writeTree(root, {
      ...pkg('one/web'),
      'two/web-copy/healops.yaml': 'name: web\nversion: 2.0.0\nchecks: [{ name: up, command: [x] }]\n',
    });
    const result = await discoverPackages([join(root, 'one'), join(root, 'two')], files);
    expect(result.packages.map((p) => `${p.manifest.name}@${p.manifest.version}`)).toEqual(['web@1.0.0']);
    expect(messages(result.errors)).toEqual([
      `${join(root, 'two/web-copy/healops.yaml')}: package name "web" is used twice: ${join(root, 'one/web')} and ${join(root, 'two/web-copy')}`,
    ]);
  });

  it('loads a folder reached twice (directly and through its parent) once', async () => {
    await writeTree(root, pkg('catalog/web'));
    const result = await discoverPackages([join(root, 'catalog'), join(root, 'catalog/web')], files);
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(1);
  });
});

describe('loadConfig', () => {
  it('resolves package paths against the folder of the config file', async () => {
    await writeTree(root, {
      'etc/healops.config.yaml': `packages: [./catalog, ../more/web, ${join(root, 'abs')}/]\nenvironment: staging\nparams: { web: { port: 8080 } }\n`,
    });
    const loaded = await loadConfig(join(root, 'etc/healops.config.yaml'), files);
    expect(loaded.path).toBe(join(root, 'etc/healops.config.yaml'));
    expect(loaded.packagePaths).toEqual([
      join(root, 'etc/catalog'),
      join(root, 'more/web'),
      `${join(root, 'abs')}/`,
    ]);
    expect(loaded.config.environment).toBe('staging');
    expect(loaded.config.params).toEqual({ web: { port: 8080 } });
  });

  it('feeds discoverPackages end to end', async () => {
    await writeTree(root, {
      ...pkg('site/catalog/web'),
      'site/healops.config.yaml': 'packages: [catalog]\n',
    });
    const { packagePaths } = await loadConfig(join(root, 'site/healops.config.yaml'), files);
    const result = await discoverPackages(packagePaths, files);
    expect(result.packages.map((p) => p.manifest.name)).toEqual(['web']);
  });

  it('throws a ManifestError with every problem of an invalid config', async () => {
    await writeTree(root, { 'healops.config.yaml': 'packages: []\nenvironmnet: x\n' });
    const error = await loadConfig(join(root, 'healops.config.yaml'), files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '1:11 list at least one package folder',
      '2:1 unknown field "environmnet" (did you mean "environment"?)',
    ]);
  });

  it('throws a ManifestError naming a missing config file', async () => {
    const path = join(root, 'healops.config.yaml');
    await expect(loadConfig(path, files)).rejects.toThrow(`${path}: config file not found`);
  });
});
