import type { PackageTargets } from '../manifest/targets.js';
import type {
  InfluxSinkConfig,
  OpentsdbSinkConfig,
  SinkConfig,
  TimestreamSinkConfig,
} from '../metrics/sink-config.js';
import type { ResolvedCheck } from '../model/check.js';
import type { TicketRouteConfig } from '../tickets/ticket-config.js';

// What a deployment hands its Lambdas: the packages aimed at SSM hosts, resolved (checks, policies, params), with
// the name and version of each package's SSM Command document, and the ticket routes. Built at synth time from the
// same workspace the CLI loads (healops.config.yaml), written as JSON into the functions' asset, read at init.

export const BUNDLE_VERSION = 1;

/** Where in the deployment's output bucket SSM commands write their full output (the functions read it back). */
export const SSM_OUTPUT_PREFIX = 'ssm-output';

/** How much of a fleet one job may touch at once, and after how many errors SSM stops sending it. */
export interface BlastRadius {
  /** SendCommand MaxConcurrency: a number or a percentage, e.g. "25%". */
  readonly maxConcurrency: string;
  /** SendCommand MaxErrors, e.g. "10%". */
  readonly maxErrors: string;
}

export const DEFAULT_BLAST_RADIUS: BlastRadius = { maxConcurrency: '25%', maxErrors: '10%' };

export interface BundlePackage {
  readonly name: string;
  readonly version: string;
  /**
   * The package's SSM Command document (ssmCommandDocument's name and versionName), and the DocumentVersion a
   * SendCommand should name (the stack sets `$LATEST`: each update creates a new version; absent: SSM's `$DEFAULT`).
   */
  readonly document: {
    readonly name: string;
    readonly versionName: string;
    readonly documentVersion?: string;
  };
  readonly targets: Exclude<PackageTargets, { readonly type: 'local' }>;
  readonly blastRadius: BlastRadius;
  /** Checks and stats jobs as resolved for this deployment (params filled in, defaults applied). */
  readonly checks: readonly ResolvedCheck[];
}

export interface DeploymentBundle {
  readonly version: typeof BUNDLE_VERSION;
  readonly packages: readonly BundlePackage[];
  readonly tickets: readonly TicketRouteConfig[];
  /**
   * The config's remote metrics sinks (influx, opentsdb, timestream), secret references kept as references. Not
   * sqlite (a function has no disk to keep it) nor emf (the functions always publish EMF). Absent: none.
   */
  readonly metrics?: readonly DeployedSinkConfig[];
}

/** A `metrics:` entry a deployment's functions write to: the remote stores. */
export type DeployedSinkConfig = InfluxSinkConfig | OpentsdbSinkConfig | TimestreamSinkConfig;

/** The entries of a `metrics:` list that a deployment takes over (see DeploymentBundle.metrics), in order. */
export function deployedSinks(configs: readonly SinkConfig[]): DeployedSinkConfig[] {
  return configs.filter(
    (c): c is DeployedSinkConfig => c.type === 'influx' || c.type === 'opentsdb' || c.type === 'timestream',
  );
}

/** One EventBridge schedule per (package, schedule expression): never one per check. */
export interface BundleSchedule {
  readonly package: string;
  readonly schedule: string;
  /** Names of the checks and stats jobs the schedule runs. */
  readonly jobs: readonly string[];
}

export function bundleSchedules(bundle: DeploymentBundle): BundleSchedule[] {
  const schedules: BundleSchedule[] = [];
  for (const pkg of bundle.packages) {
    const byExpression = new Map<string, string[]>();
    for (const check of pkg.checks) {
      const jobs = byExpression.get(check.schedule) ?? [];
      jobs.push(check.name);
      byExpression.set(check.schedule, jobs);
    }
    for (const [schedule, jobs] of byExpression) schedules.push({ package: pkg.name, schedule, jobs });
  }
  return schedules;
}
