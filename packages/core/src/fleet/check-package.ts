import type { BundlePackage } from '../deploy/bundle.js';
import type { ResolvedCheck } from '../model/check.js';
import { FleetResultError } from './errors.js';
import { fleetEnv } from './fleet-env.js';
import type { FleetExecutor, FleetHandle } from './ports.js';
import {
  emptyFleetReport,
  type FleetDeps,
  type FleetReport,
  type FleetSettings,
  mergeFleetReports,
  processFleetResults,
} from './process-results.js';

export interface CheckPackageDeps extends FleetDeps {
  readonly fleet: FleetExecutor;
}

export interface CheckPackageOptions {
  /** The checks and stats jobs to run (e.g. those of one schedule); default every job of the package. */
  readonly checks?: readonly ResolvedCheck[];
  /** Continue a run started earlier instead of starting one. */
  readonly handle?: FleetHandle;
  /** Time this call may take (clock ms); when it is spent with work pending, the handle comes back. */
  readonly budgetMs: number;
  /** Clock ms between polls; default 2,000. */
  readonly pollIntervalMs?: number;
  /** Ends the waiting early (the handle comes back). */
  readonly signal?: AbortSignal;
}

export interface CheckPackageResult {
  readonly report: FleetReport;
  /** Set when results are still pending: continue with it (checkPackage with options.handle). */
  readonly handle?: FleetHandle;
  /** Invocations still pending at the last poll. */
  readonly pending: number;
}

const DEFAULT_POLL_INTERVAL_MS = 2_000;

/**
 * Runs a package's checks on its fleet: starts them (or continues a handle), polls on the clock's time until all
 * are done or the budget is spent, and decides about the results as they arrive (processFleetResults). Returns the
 * handle when work is still pending, for a continuation to pick up.
 */
export async function checkPackage(
  deps: CheckPackageDeps,
  settings: FleetSettings,
  pkg: BundlePackage,
  options: CheckPackageOptions,
): Promise<CheckPackageResult> {
  const startedMs = deps.clock.now().getTime();
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let handle = options.handle;
  if (handle === undefined) {
    const checks = options.checks ?? pkg.checks;
    const foreign = checks.find((c) => c.package !== pkg.name);
    if (foreign)
      throw new FleetResultError(`check ${foreign.package}/${foreign.name} is not in package ${pkg.name}`);
    handle = await deps.fleet.start(pkg, checks, (check) => fleetEnv(check, settings));
  } else if (handle.package !== pkg.name) {
    throw new FleetResultError(`the handle is for package ${handle.package}, not ${pkg.name}`);
  }
  let report = emptyFleetReport();
  for (;;) {
    const poll = await deps.fleet.poll(handle);
    handle = poll.handle;
    if (poll.results.length > 0) {
      report = mergeFleetReports(report, await processFleetResults(deps, settings, pkg, poll.results));
    }
    if (handle.commands.length === 0) return { report, pending: 0 };
    const elapsed = deps.clock.now().getTime() - startedMs;
    if (elapsed + interval > options.budgetMs || options.signal?.aborted) {
      return { report, handle, pending: poll.pending };
    }
    await deps.clock.sleep(interval, options.signal);
  }
}
