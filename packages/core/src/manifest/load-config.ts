import { posix } from 'node:path';
import { ManifestError } from '../errors.js';
import { fileProblem, readTextFile } from './load-package.js';
import type { PackageFiles } from './package-files.js';
import { CONFIG_FILE, parseConfig } from './parse-manifest.js';
import type { HealOpsConfig } from './schema.js';

export interface LoadedConfig {
  readonly config: HealOpsConfig;
  /** Absolute path of the config file, symlinks resolved. */
  readonly path: string;
  /** `config.packages`, each resolved against the folder of the config file. */
  readonly packagePaths: readonly string[];
}

/** Loads and validates a healops.config.yaml; throws ManifestError with every problem found. */
export async function loadConfig(path: string, files: PackageFiles): Promise<LoadedConfig> {
  const info = await files.stat(path);
  if (!info) {
    throw fileProblem(path, 'config file not found');
  }
  if (info.kind !== 'file') {
    throw fileProblem(path, `not a file (expected ${CONFIG_FILE})`);
  }
  const text = await readTextFile(info.realPath, files, CONFIG_FILE);
  const parsed = parseConfig(text, path);
  if (!parsed.value) {
    throw new ManifestError(parsed.diagnostics);
  }
  const base = posix.dirname(info.realPath);
  const packagePaths = parsed.value.packages.map((p) =>
    posix.isAbsolute(p) ? posix.normalize(p) : posix.join(base, p),
  );
  return { config: parsed.value, path: info.realPath, packagePaths };
}
