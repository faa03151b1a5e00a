import { posix } from 'node:path';
import { ManifestError } from '../errors.js';
import { fileProblem, type LoadedPackage, loadPackage } from './load-package.js';
import type { PackageFiles } from './package-files.js';
import { MANIFEST_FILE } from './parse-manifest.js';

export interface DiscoveryResult {
  /** Packages that loaded, in the order of `paths` (subfolders sorted by name). */
  readonly packages: LoadedPackage[];
  /** One error per path or package that failed; the caller decides whether any of them is fatal. */
  readonly errors: ManifestError[];
}

async function hasManifest(dir: string, files: PackageFiles): Promise<boolean> {
  return (await files.stat(posix.join(dir, MANIFEST_FILE)))?.kind === 'file';
}

/** Package folders at `path`: the folder itself when it holds healops.yaml, else its immediate subfolders that do. */
async function packageFolders(path: string, files: PackageFiles): Promise<string[]> {
  const info = await files.stat(path);
  if (!info) {
    throw fileProblem(path, 'package path not found');
  }
  if (info.kind !== 'directory') {
    throw fileProblem(path, `not a folder (expected a package folder or a folder of packages)`);
  }
  if (await hasManifest(path, files)) {
    return [path];
  }
  const entries = [...(await files.listDir(path))].filter((name) => !name.startsWith('.')).sort();
  const found: string[] = [];
  for (const name of entries) {
    const child = posix.join(path, name);
    if ((await files.stat(child))?.kind === 'directory' && (await hasManifest(child, files))) {
      found.push(child);
    }
  }
  if (found.length === 0) {
    throw fileProblem(
      path,
      `no HealOps package found (no ${MANIFEST_FILE} in it or in its immediate subfolders)`,
    );
  }
  return found;
}

function asManifestError(path: string, error: unknown): ManifestError {
  if (error instanceof ManifestError) {
    return error;
  }
  return fileProblem(path, error instanceof Error ? error.message : String(error), error);
}

/**
 * Finds and loads the packages under `paths`. Each path is a package (holds healops.yaml) or a folder whose immediate
 * subfolders are packages. A bad path or package becomes an entry of `errors` without hiding the others; a package
 * name seen twice keeps the first package and reports the second, naming both folders.
 */
export async function discoverPackages(
  paths: readonly string[],
  files: PackageFiles,
): Promise<DiscoveryResult> {
  const packages: LoadedPackage[] = [];
  const errors: ManifestError[] = [];
  const byName = new Map<string, LoadedPackage>();
  const seenDirs = new Set<string>();
  for (const path of paths) {
    let folders: string[];
    try {
      folders = await packageFolders(path, files);
    } catch (error) {
      errors.push(asManifestError(path, error));
      continue;
    }
    for (const folder of folders) {
      let loaded: LoadedPackage;
      try {
        loaded = await loadPackage(folder, files);
      } catch (error) {
        errors.push(asManifestError(folder, error));
        continue;
      }
      if (seenDirs.has(loaded.dir)) {
        continue;
      }
      seenDirs.add(loaded.dir);
      const first = byName.get(loaded.manifest.name);
      if (first) {
        errors.push(
          new ManifestError([
            {
              file: loaded.manifestPath,
              line: 0,
              col: 0,
              path: 'name',
              message: `package name ${JSON.stringify(loaded.manifest.name)} is used twice: ${first.dir} and ${loaded.dir}`,
            },
          ]),
        );
        continue;
      }
      byName.set(loaded.manifest.name, loaded);
      packages.push(loaded);
    }
  }
  return { packages, errors };
}
