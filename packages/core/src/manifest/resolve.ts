import { posix } from 'node:path';
import type {
  CommandSpec,
  FlapPolicy,
  MaintenanceWindow,
  RepairPolicy,
  ResolvedCheck,
  SkippedPackage,
} from '../model/check.js';
import { BUILTIN_DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { LoadedPackage } from './load-package.js';
import { substituteParams } from './placeholders.js';
import { missingParamsReason, type ParamValue, resolveParams } from './resolve-params.js';
import type {
  CheckManifest,
  DefaultsManifest,
  MaintenanceManifest,
  PackageManifest,
  RepairManifest,
  StatsManifest,
} from './schema.js';
import { scriptAbsolutePath } from './script-path.js';
import { type PackageTargets, resolveTargets } from './targets.js';

export interface ResolveOptions {
  /** Values from healops.config.yaml `params.<package>`. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** healops.config.yaml `environment`: overrides the package's. */
  readonly environment?: string;
}

export interface ResolvedPackage {
  /** Every check and stats job, in manifest order (checks first); empty when the package is skipped. */
  readonly checks: ResolvedCheck[];
  readonly skipped?: SkippedPackage;
  /** Where the jobs run (`targets` of healops.yaml; local when absent). The CLI runs local packages only. */
  readonly targets: PackageTargets;
}

interface Context {
  readonly pkg: LoadedPackage;
  readonly defaults: DefaultsManifest;
  readonly params: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly environment: string;
}

function ms(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : parseDuration(text);
}

/** A command as written (placeholders unexpanded), quoting arguments that hold spaces: safe to log. */
function displayOf(args: readonly string[]): string {
  return args.map((arg) => (/^[^\s"'\\]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
}

function commandSpec(job: { script?: string; command?: string[] }, ctx: Context): CommandSpec {
  if (job.script !== undefined) {
    return {
      argv: [scriptAbsolutePath(ctx.pkg.dir, job.script)],
      fromPackage: true,
      display: posix.normalize(job.script),
    };
  }
  const command = job.command ?? [];
  return {
    argv: command.map((arg) => substituteParams(arg, ctx.params)),
    fromPackage: false,
    display: displayOf(command),
  };
}

function flapPolicy(flap: CheckManifest['flap']): FlapPolicy {
  const builtin = BUILTIN_DEFAULTS.flap;
  if (flap === undefined || flap === true) {
    return builtin;
  }
  return flap === false ? { ...builtin, enabled: false } : { enabled: true, low: flap.low, high: flap.high };
}

function maintenanceWindows(windows: readonly MaintenanceManifest[] | undefined): MaintenanceWindow[] {
  return (windows ?? []).map((w) => ({
    cron: w.cron,
    durationMs: parseDuration(w.duration),
    ...(w.timezone === undefined ? {} : { timezone: w.timezone }),
  }));
}

function repairPolicy(repair: RepairManifest, ctx: Context): RepairPolicy {
  const preset = ctx.defaults.repair ?? {};
  const builtin = BUILTIN_DEFAULTS.repair;
  const budget = { ...preset.budget, ...repair.budget };
  return {
    command: commandSpec(repair, ctx),
    verifyAfterMs: ms(repair.verifyAfter ?? preset.verifyAfter, builtin.verifyAfterMs),
    maxAttempts: repair.maxAttempts ?? preset.maxAttempts ?? builtin.maxAttempts,
    timeoutMs: ms(repair.timeout ?? preset.timeout, builtin.timeoutMs),
    budget: {
      max: budget.max ?? builtin.budget.max,
      perMs: ms(budget.per, builtin.budget.perMs),
      backoffMs: ms(budget.backoff, builtin.budget.backoffMs),
    },
  };
}

/** Fields shared by checks and stats jobs: identity, command, schedule, timeout, platform, package policies. */
function base(job: CheckManifest | StatsManifest, ctx: Context) {
  const { manifest } = ctx.pkg;
  const d = ctx.defaults;
  return {
    package: manifest.name,
    packageVersion: manifest.version,
    name: job.name,
    environment: ctx.environment,
    ...(job.description === undefined ? {} : { description: job.description }),
    command: commandSpec(job, ctx),
    schedule: job.schedule ?? d.schedule ?? BUILTIN_DEFAULTS.schedule,
    timeoutMs: ms(job.timeout ?? d.timeout, BUILTIN_DEFAULTS.timeoutMs),
    platform: job.platform ?? manifest.platform ?? BUILTIN_DEFAULTS.platform,
    env: ctx.env,
    packageDir: ctx.pkg.dir,
  };
}

function resolveCheck(check: CheckManifest, ctx: Context): ResolvedCheck {
  const d = ctx.defaults;
  const runbook = check.runbook ?? ctx.pkg.manifest.runbook;
  return {
    kind: 'check',
    ...base(check, ctx),
    ...(runbook === undefined ? {} : { runbook }),
    failAfter: check.failAfter ?? d.failAfter ?? BUILTIN_DEFAULTS.failAfter,
    unknownAfter: check.unknownAfter ?? d.unknownAfter ?? BUILTIN_DEFAULTS.unknownAfter,
    failOn: check.failOn ?? d.failOn ?? BUILTIN_DEFAULTS.failOn,
    severity: check.severity ?? d.severity ?? BUILTIN_DEFAULTS.severity,
    ...(check.repair === undefined ? {} : { repair: repairPolicy(check.repair, ctx) }),
    dependsOn: check.dependsOn ?? [],
    maintenance: maintenanceWindows(check.maintenance ?? d.maintenance),
    flap: flapPolicy(check.flap ?? d.flap),
    reportOnly: check.reportOnly ?? d.reportOnly ?? BUILTIN_DEFAULTS.reportOnly,
  };
}

/** Stats jobs are never repaired and have no state machine; they carry the package policies for uniformity. */
function resolveStats(stats: StatsManifest, ctx: Context): ResolvedCheck {
  const d = ctx.defaults;
  const runbook = ctx.pkg.manifest.runbook;
  return {
    kind: 'stats',
    ...base(stats, ctx),
    ...(runbook === undefined ? {} : { runbook }),
    failAfter: d.failAfter ?? BUILTIN_DEFAULTS.failAfter,
    unknownAfter: d.unknownAfter ?? BUILTIN_DEFAULTS.unknownAfter,
    failOn: d.failOn ?? BUILTIN_DEFAULTS.failOn,
    severity: d.severity ?? BUILTIN_DEFAULTS.severity,
    dependsOn: [],
    maintenance: maintenanceWindows(d.maintenance),
    flap: flapPolicy(d.flap),
    reportOnly: d.reportOnly ?? BUILTIN_DEFAULTS.reportOnly,
  };
}

function jobNames(manifest: PackageManifest): string[] {
  return [...(manifest.checks ?? []), ...(manifest.stats ?? [])].map((job) => job.name);
}

/**
 * Turns a loaded package into the engine's ResolvedChecks: built-in defaults, then the package `defaults`, then the
 * check's own fields; durations in ms; scripts as absolute paths; `${params.x}` substituted in commands.
 * A required parameter without a value skips the package (with the reason); a configured parameter the package does
 * not declare throws ConfigError.
 */
export function resolvePackage(pkg: LoadedPackage, options: ResolveOptions = {}): ResolvedPackage {
  const { manifest } = pkg;
  const params = resolveParams(manifest.name, manifest.params ?? {}, options.params ?? {});
  const targets = resolveTargets(manifest.targets);
  if (params.missing.length > 0) {
    return {
      targets,
      checks: [],
      skipped: {
        package: manifest.name,
        reason: missingParamsReason(manifest.name, params.missing),
        checks: jobNames(manifest),
      },
    };
  }
  const ctx: Context = {
    pkg,
    defaults: manifest.defaults ?? {},
    params: params.values,
    env: params.env,
    environment: options.environment ?? manifest.environment ?? BUILTIN_DEFAULTS.environment,
  };
  return {
    targets,
    checks: [
      ...(manifest.checks ?? []).map((check) => resolveCheck(check, ctx)),
      ...(manifest.stats ?? []).map((stats) => resolveStats(stats, ctx)),
    ],
  };
}
