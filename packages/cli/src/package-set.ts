import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Diagnostic,
  discoverPackages,
  HealOpsError,
  type LoadedConfig,
  type LoadedPackage,
  loadConfig,
  ManifestError,
  type ResolvedPackage,
  resolvePackage,
} from '@healops/core';
import { NodePackageFiles } from '@healops/local';
import { UsageError } from './errors.js';

// What the CLI and the CDK app (infra/) both load: healops.config.yaml (if any), the packages it names (else the
// folders given, else ./catalog), each resolved with the config's params and environment. The CLI runs the local
// ones; the deployment bundles the lot.

export const DEFAULT_CONFIG = 'healops.config.yaml';
export const DEFAULT_CATALOG = 'catalog';

export interface PackageSetOptions {
  /** Package folders given explicitly (the CLI's arguments); empty: the config's `packages:`, else ./catalog. */
  readonly paths?: readonly string[];
  /** The config file; default ./healops.config.yaml when it exists. */
  readonly config?: string;
  /** Folder the defaults and relative paths are taken from (default: the working directory). */
  readonly root?: string;
}

/** One package that loaded and resolved. */
export interface PackageSetEntry {
  readonly pkg: LoadedPackage;
  readonly resolved: ResolvedPackage;
}

export interface PackageSet {
  readonly config?: LoadedConfig;
  readonly entries: readonly PackageSetEntry[];
  /** Every problem found on the way: broken manifests, params that do not resolve, params for unknown packages. */
  readonly problems: readonly Diagnostic[];
}

export function diagnosticsOf(error: unknown, file: string): Diagnostic[] {
  if (error instanceof ManifestError) return [...error.diagnostics];
  const message = error instanceof Error ? error.message : String(error);
  return [{ file, line: 0, col: 0, path: '', message }];
}

/** The deployment config (healops.config.yaml), if there is one. Throws UsageError when a named one is missing. */
export async function readConfig(
  flag: string | undefined,
  root: string = process.cwd(),
  files: NodePackageFiles = new NodePackageFiles(),
): Promise<LoadedConfig | undefined> {
  const fallback = resolve(root, DEFAULT_CONFIG);
  const path = flag === undefined ? (existsSync(fallback) ? fallback : undefined) : resolve(root, flag);
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new UsageError(`--config: ${flag ?? path} not found`);
  // An invalid config file is fatal: its package list and params decide what runs.
  return loadConfig(path, files);
}

function searchPaths(paths: readonly string[], config: LoadedConfig | undefined, root: string): string[] {
  if (paths.length > 0) {
    for (const path of paths) {
      if (!existsSync(resolve(root, path))) throw new UsageError(`${path}: no such file or folder`);
    }
    return paths.map((p) => resolve(root, p));
  }
  if (config) return [...config.packagePaths];
  const catalog = resolve(root, DEFAULT_CATALOG);
  if (existsSync(catalog)) return [catalog];
  throw new UsageError(
    `nothing to load: pass a package folder, or create ${DEFAULT_CONFIG} with a packages: list, or run where ./${DEFAULT_CATALOG} exists`,
  );
}

/**
 * Loads and resolves the packages. One broken package never hides the others: its problems are collected instead.
 * Throws UsageError for a missing path or config, ManifestError for an invalid config file.
 */
export async function loadPackageSet(options: PackageSetOptions = {}): Promise<PackageSet> {
  const root = options.root ?? process.cwd();
  const files = new NodePackageFiles();
  const config = await readConfig(options.config, root, files);
  const discovered = await discoverPackages(searchPaths(options.paths ?? [], config, root), files);
  const problems: Diagnostic[] = discovered.errors.flatMap((e) => diagnosticsOf(e, ''));
  const entries: PackageSetEntry[] = [];
  for (const pkg of discovered.packages) {
    const name = pkg.manifest.name;
    try {
      const resolved = resolvePackage(pkg, {
        ...(config?.config.params?.[name] ? { params: config.config.params[name] } : {}),
        ...(config?.config.environment ? { environment: config.config.environment } : {}),
      });
      entries.push({ pkg, resolved });
    } catch (error) {
      if (!(error instanceof HealOpsError)) throw error;
      problems.push(...diagnosticsOf(error, config?.path ?? pkg.manifestPath));
    }
  }
  // Every package whose manifest loaded, including those whose params then failed to resolve (already reported).
  const found = new Set(discovered.packages.map((p) => p.manifest.name));
  for (const name of Object.keys(config?.config.params ?? {})) {
    if (!found.has(name) && !problems.some((d) => d.file.includes(name))) {
      problems.push({
        file: config?.path ?? DEFAULT_CONFIG,
        line: 0,
        col: 0,
        path: `params.${name}`,
        message: `params given for package "${name}", which is not among the loaded packages`,
      });
    }
  }
  return { ...(config ? { config } : {}), entries, problems };
}
