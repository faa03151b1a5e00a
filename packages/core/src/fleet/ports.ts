import type { BundlePackage } from '../deploy/bundle.js';
import type { ResolvedCheck } from '../model/check.js';
import type { ExecResult } from '../model/results.js';

/** One command a fleet executor sent for one check job (one per 50 instance ids, or one per tag target). */
export interface FleetCommand {
  /** Name of the check or stats job the command runs. */
  readonly check: string;
  readonly commandId: string;
  /** Hosts the command reached when it was sent (0 when not known yet). */
  readonly targetCount: number;
  /** ISO time the command was sent: the `startedAt` of each of its results. */
  readonly requestedAt: string;
  /**
   * Hosts whose result was already handed out. Kept within one invocation; a continuation may drop it (results
   * handed out again are recognised by processFleetResults and skipped).
   */
  readonly seen?: readonly string[];
}

/** Where a fleet run stands: plain JSON, so a continuation event can carry it. Finished commands leave it. */
export interface FleetHandle {
  readonly package: string;
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly commands: readonly FleetCommand[];
}

/** One (check, target) result of a fleet run. */
export interface FleetResult {
  readonly check: string;
  /** The instance id the job ran on. */
  readonly target: string;
  readonly exec: ExecResult;
  /** ISO time the run started (the command's send time). */
  readonly startedAt: string;
}

export interface FleetPoll {
  /** Results finished since the last poll of this handle. */
  readonly results: readonly FleetResult[];
  /** Invocations still running (or not yet known to be finished). */
  readonly pending: number;
  readonly handle: FleetHandle;
}

/** Runs a package's check jobs on its whole fleet at once (SSM Run Command on AWS). */
export interface FleetExecutor {
  /** Sends every job; `env` gives a check's environment (without HEALOPS_TARGET: one command serves many hosts). */
  start(
    pkg: BundlePackage,
    checks: readonly ResolvedCheck[],
    env: (check: ResolvedCheck) => Readonly<Record<string, string>>,
  ): Promise<FleetHandle>;
  /** One pass over the handle's commands: what finished since the last pass. */
  poll(handle: FleetHandle): Promise<FleetPoll>;
}
