import {
  DEFAULT_SINKS,
  type Diagnostic,
  type LoadedConfig,
  type ResolvedCheck,
  type ResolvedPackage,
  type SinkConfig,
  type SkippedPackage,
  type TicketRouteConfig,
} from '@healops/core';
import { loadPackageSet, readConfig } from './package-set.js';

export { DEFAULT_CATALOG, DEFAULT_CONFIG } from './package-set.js';

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

/** The deployment config alone (for commands that need its routes, not its packages), if there is one. */
export function loadDeploymentConfig(flag: string | undefined): Promise<LoadedConfig | undefined> {
  return readConfig(flag);
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

/**
 * Loads the packages named on the command line (else the config's `packages:`, else ./catalog) and resolves them
 * with the config's params. One broken package never hides the others: its problems are collected instead.
 */
export async function loadWorkspace(paths: readonly string[], configFlag?: string): Promise<Workspace> {
  const set = await loadPackageSet({ paths, ...(configFlag === undefined ? {} : { config: configFlag }) });
  const config = set.config;
  const packages: WorkspacePackage[] = [];
  const checks: ResolvedCheck[] = [];
  const skipped: SkippedPackage[] = [];
  for (const { pkg, resolved } of set.entries) {
    const skip = resolved.skipped ?? remoteTargets(resolved);
    if (!skip) checks.push(...resolved.checks);
    if (skip) skipped.push(skip);
    packages.push({
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      dir: pkg.dir,
      checks: pkg.manifest.checks?.length ?? 0,
      stats: pkg.manifest.stats?.length ?? 0,
      ...(skip ? { skipped: skip.reason } : {}),
    });
  }
  return {
    ...(config ? { configPath: config.path } : {}),
    packages,
    checks,
    skipped,
    problems: set.problems,
    metrics: config?.config.metrics ?? DEFAULT_SINKS,
    tickets: config?.config.tickets ?? [],
    ...(config?.config.environment ? { environment: config.config.environment } : {}),
  };
}
