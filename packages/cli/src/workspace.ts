import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_SINKS,
  type Diagnostic,
  discoverPackages,
  HealOpsError,
  type LoadedConfig,
  loadConfig,
  ManifestError,
  type ResolvedCheck,
  type ResolvedPackage,
  resolvePackage,
  type SinkConfig,
  type SkippedPackage,
  type TicketRouteConfig,
} from '@healops/core';
import { NodePackageFiles } from '@healops/local';
import { UsageError } from './errors.js';

export const DEFAULT_CONFIG = 'healops.config.yaml';
export const DEFAULT_CATALOG = 'catalog';

export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly checks: number;
  readonly stats: number;
  readonly skipped?: string;
}

/** Everything the commands need: what loaded, what it resolved to, and every problem found on the way. */
export interface Workspace {
  readonly configPath?: string;
  readonly packages: readonly WorkspacePackage[];
  readonly checks: readonly ResolvedCheck[];
  readonly skipped: readonly SkippedPackage[];
  readonly problems: readonly Diagnostic[];
  /** The config's `metrics:` section, or the default (the embedded store only). */
  readonly metrics: readonly SinkConfig[];
  /** The config's `tickets:` routes (none by default). */
  readonly tickets: readonly TicketRouteConfig[];
  /** The config's `environment:`, when set (used for alarm tickets). */
  readonly environment?: string;
}

function diagnosticsOf(error: unknown, file: string): Diagnostic[] {
  if (error instanceof ManifestError) return [...error.diagnostics];
  const message = error instanceof Error ? error.message : String(error);
  return [{ file, line: 0, col: 0, path: '', message }];
}

async function readConfig(
  flag: string | undefined,
  files: NodePackageFiles,
): Promise<LoadedConfig | undefined> {
  const path = flag ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new UsageError(`--config: ${path} not found`);
  // An invalid config file is fatal: its package list and params decide what runs.
  return loadConfig(resolve(path), files);
}

/** The deployment config alone (for commands that need its routes, not its packages), if there is one. */
export function loadDeploymentConfig(flag: string | undefined): Promise<LoadedConfig | undefined> {
  return readConfig(flag, new NodePackageFiles());
}

/**
 * A package aimed at SSM hosts (`targets:` tags, instance ids or a resource group) runs through the AWS deployment,
 * never on this machine: the CLI reports it skipped, with where it runs.
 */
function remoteTargets(resolved: ResolvedPackage): SkippedPackage | undefined {
  const { targets } = resolved;
  if (targets.type === 'local') return undefined;
  const where =
    targets.type === 'tags'
      ? `hosts tagged ${Object.entries(targets.tags)
          .map(([k, v]) => `${k}=${v.join('|')}`)
          .join(', ')}`
      : targets.type === 'instanceIds'
        ? `${targets.instanceIds.length} instance(s)`
        : `resource group ${targets.resourceGroup}`;
  return {
    package: resolved.checks[0]?.package ?? '',
    reason: `targets ${where} through SSM: runs in the AWS deployment, not on this machine`,
    checks: resolved.checks.map((c) => c.name),
  };
}

function searchPaths(paths: readonly string[], config: LoadedConfig | undefined): string[] {
  if (paths.length > 0) {
    for (const path of paths) if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
    return paths.map((p) => resolve(p));
  }
  if (config) return [...config.packagePaths];
  if (existsSync(DEFAULT_CATALOG)) return [resolve(DEFAULT_CATALOG)];
  throw new UsageError(
    `nothing to load: pass a package folder, or create ${DEFAULT_CONFIG} with a packages: list, or run where ./${DEFAULT_CATALOG} exists`,
  );
}

/**
 * Loads the packages named on the command line (else the config's `packages:`, else ./catalog) and resolves them
 * with the config's params. One broken package never hides the others: its problems are collected instead.
 */
export async function loadWorkspace(paths: readonly string[], configFlag?: string): Promise<Workspace> {
  const files = new NodePackageFiles();
  const config = await readConfig(configFlag, files);
  const discovered = await discoverPackages(searchPaths(paths, config), files);
  const problems: Diagnostic[] = discovered.errors.flatMap((e) => diagnosticsOf(e, ''));
  const packages: WorkspacePackage[] = [];
  const checks: ResolvedCheck[] = [];
  const skipped: SkippedPackage[] = [];
  for (const pkg of discovered.packages) {
    const name = pkg.manifest.name;
    try {
      const resolved = resolvePackage(pkg, {
        ...(config?.config.params?.[name] ? { params: config.config.params[name] } : {}),
        ...(config?.config.environment ? { environment: config.config.environment } : {}),
      });
      const remote = remoteTargets(resolved);
      const skip = resolved.skipped ?? remote;
      if (!skip) checks.push(...resolved.checks);
      if (skip) skipped.push(skip);
      packages.push({
        name,
        version: pkg.manifest.version,
        dir: pkg.dir,
        checks: pkg.manifest.checks?.length ?? 0,
        stats: pkg.manifest.stats?.length ?? 0,
        ...(skip ? { skipped: skip.reason } : {}),
      });
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
  return {
    ...(config ? { configPath: config.path } : {}),
    packages,
    checks,
    skipped,
    problems,
    metrics: config?.config.metrics ?? DEFAULT_SINKS,
    tickets: config?.config.tickets ?? [],
    ...(config?.config.environment ? { environment: config.config.environment } : {}),
  };
}
