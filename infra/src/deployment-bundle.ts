import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPackageSet } from '@healops/cli';
import {
  type BlastRadius,
  type BundlePackage,
  DEFAULT_BLAST_RADIUS,
  type DeploymentBundle,
  deployedSinks,
  formatDiagnostic,
  type LoadedPackage,
  type PackageTargets,
  type ResolvedCheck,
  type SkippedPackage,
  type SsmCommandDocument,
  type SsmPackageFile,
  ssmCommandDocument,
  ssmJobsOf,
  ssmScriptPaths,
  type TargetPlatform,
} from '@healops/core';
import { DeploymentConfigError } from './errors.js';

/** The tag that marks the instances of a deployment, by default `HealOps=enabled`. */
export interface HealOpsTag {
  readonly key: string;
  readonly value: string;
}

export const DEFAULT_HEALOPS_TAG: HealOpsTag = { key: 'HealOps', value: 'enabled' };
/** Prefix of the SSM document names (`HealOps-<package>`): document names are unique per account and region. */
export const DEFAULT_DOCUMENT_PREFIX = 'HealOps-';
/**
 * The document version the functions send. CloudFormation documents that UpdateMethod NewVersion makes the new
 * version the default, but reports exist of stacks where it did not (cloudformation-coverage-roadmap#2539); every
 * stack update creates a new version, so `$LATEST` is always the deployed content.
 */
export const DEPLOYED_DOCUMENT_VERSION = '$LATEST';

export interface DeploymentBundleOptions {
  /** Folder the config, catalog and relative package paths are taken from (default: the working directory). */
  readonly root?: string;
  /** healops.config.yaml path (default: <root>/healops.config.yaml when it exists, else <root>/catalog). */
  readonly config?: string;
  /** Package folders instead of the config's list. */
  readonly paths?: readonly string[];
  /** Tag of the instances that packages with `targets: local` (the default) run on. */
  readonly tag?: HealOpsTag;
  readonly documentPrefix?: string;
  readonly blastRadius?: BlastRadius;
}

export interface BuiltDeployment {
  readonly bundle: DeploymentBundle;
  /** One SSM Command document per bundled package, same order as bundle.packages, named as the bundle names it. */
  readonly documents: readonly SsmCommandDocument[];
  /** Packages left out, with the reason (a required parameter without a value, no jobs). */
  readonly skipped: readonly SkippedPackage[];
  readonly tag: HealOpsTag;
  /** The environment named by the config (alarm tickets), when it names one. */
  readonly environment?: string;
}

/** Where a package runs in the deployment: its own SSM targets, or (local) the instances carrying the HealOps tag. */
export function deployedTargets(
  targets: PackageTargets,
  pkg: LoadedPackage,
  tag: HealOpsTag,
): BundlePackage['targets'] {
  if (targets.type !== 'local') return targets;
  const platform = pkg.manifest.platform;
  const only: { platform?: TargetPlatform } =
    platform === 'linux' || platform === 'windows' ? { platform } : {};
  return { type: 'tags', tags: { [tag.key]: [tag.value] }, ...only };
}

/** Paths on the synth machine must not reach the asset: they would change its hash from one checkout to another. */
function portableCheck(check: ResolvedCheck): ResolvedCheck {
  const dir = `/healops/packages/${check.package}`;
  const move = (argv: readonly string[], fromPackage: boolean) =>
    fromPackage && argv[0]?.startsWith(check.packageDir)
      ? [`${dir}${argv[0].slice(check.packageDir.length)}`, ...argv.slice(1)]
      : [...argv];
  return {
    ...check,
    packageDir: dir,
    command: { ...check.command, argv: move(check.command.argv, check.command.fromPackage) },
    ...(check.repair
      ? {
          repair: {
            ...check.repair,
            command: {
              ...check.repair.command,
              argv: move(check.repair.command.argv, check.repair.command.fromPackage),
            },
          },
        }
      : {}),
  };
}

async function packageFiles(pkg: LoadedPackage): Promise<SsmPackageFile[]> {
  const scripts = ssmScriptPaths(ssmJobsOf(pkg.manifest));
  return Promise.all(
    scripts.map(async ({ relativePath, platform }) => ({
      relativePath,
      platform,
      content: await readFile(join(pkg.dir, relativePath), 'utf8'),
    })),
  );
}

/**
 * Loads the workspace exactly as the CLI does (healops.config.yaml, else ./catalog) and turns it into the bundle the
 * functions read and the SSM documents the stack creates. Throws DeploymentConfigError listing every problem.
 */
export async function buildDeploymentBundle(options: DeploymentBundleOptions = {}): Promise<BuiltDeployment> {
  const tag = options.tag ?? DEFAULT_HEALOPS_TAG;
  const prefix = options.documentPrefix ?? DEFAULT_DOCUMENT_PREFIX;
  let set: Awaited<ReturnType<typeof loadPackageSet>>;
  try {
    set = await loadPackageSet({
      ...(options.root === undefined ? {} : { root: options.root }),
      ...(options.config === undefined ? {} : { config: options.config }),
      ...(options.paths === undefined ? {} : { paths: options.paths }),
    });
  } catch (error) {
    throw new DeploymentConfigError(`cannot load the HealOps workspace: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (set.problems.length > 0) {
    throw new DeploymentConfigError(
      `the HealOps workspace has problems:\n${set.problems.map(formatDiagnostic).join('\n')}`,
    );
  }
  const packages: BundlePackage[] = [];
  const documents: SsmCommandDocument[] = [];
  const skipped: SkippedPackage[] = [];
  for (const { pkg, resolved } of set.entries) {
    const { name, version } = pkg.manifest;
    if (resolved.skipped) {
      skipped.push(resolved.skipped);
      continue;
    }
    if (resolved.checks.length === 0) {
      skipped.push({ package: name, reason: 'the package has no checks or stats jobs', checks: [] });
      continue;
    }
    const built = ssmCommandDocument({
      package: name,
      version,
      ...(pkg.manifest.description ? { description: pkg.manifest.description } : {}),
      jobs: ssmJobsOf(pkg.manifest),
      files: await packageFiles(pkg),
    });
    const document = { ...built, name: `${prefix}${name}` };
    documents.push(document);
    packages.push({
      name,
      version,
      document: {
        name: document.name,
        versionName: document.versionName,
        documentVersion: DEPLOYED_DOCUMENT_VERSION,
      },
      targets: deployedTargets(resolved.targets, pkg, tag),
      blastRadius: options.blastRadius ?? DEFAULT_BLAST_RADIUS,
      checks: resolved.checks.map(portableCheck),
    });
  }
  const config = set.config?.config;
  const metrics = deployedSinks(config?.metrics ?? []);
  return {
    bundle: {
      version: 1,
      packages,
      tickets: config?.tickets ?? [],
      ...(metrics.length > 0 ? { metrics } : {}),
    },
    documents,
    skipped,
    tag,
    ...(config?.environment ? { environment: config.environment } : {}),
  };
}
