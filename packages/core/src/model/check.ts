import type { Platform, Severity } from './status.js';

/** Identity of one (package, check, target) — the unit that has state, problems and tickets. */
export interface CheckKey {
  readonly package: string;
  readonly check: string;
  readonly target: string;
}

/** A command ready to execute: argv[0] is an absolute path to a package script or an executable on the target. */
export interface CommandSpec {
  readonly argv: readonly string[];
  /** true when argv[0] is a script shipped inside the package (as opposed to a command already on the target). */
  readonly fromPackage: boolean;
  /**
   * How the command reads in logs, the audit trail and reports: as written in the manifest, with `${params.x}`
   * left unexpanded, so parameter values (tokens, passwords) never reach them.
   */
  readonly display: string;
}

export interface BudgetPolicy {
  /** Repair rounds allowed per target within `perMs`. */
  readonly max: number;
  readonly perMs: number;
  /** Base delay after a failed repair before the next one; doubles per consecutive failure (0 = none). */
  readonly backoffMs: number;
}

export interface RepairPolicy {
  readonly command: CommandSpec;
  readonly verifyAfterMs: number;
  readonly maxAttempts: number;
  readonly budget: BudgetPolicy;
  readonly timeoutMs: number;
}

export interface MaintenanceWindow {
  /** Standard 5-field (or 6 with seconds) cron expression for the window start. */
  readonly cron: string;
  readonly durationMs: number;
  readonly timezone?: string;
}

export interface FlapPolicy {
  readonly enabled: boolean;
  /** percent state change below which a flapping check stops flapping */
  readonly low: number;
  /** percent state change above which a check starts flapping */
  readonly high: number;
}

/** Everything the engine needs to know about one check (or stats job) after the manifest is resolved. */
export interface ResolvedCheck {
  readonly kind: 'check' | 'stats';
  readonly package: string;
  readonly packageVersion: string;
  readonly name: string;
  readonly environment: string;
  readonly description?: string;
  readonly runbook?: string;
  readonly command: CommandSpec;
  /** Scheduler expression as written: `rate(5 minutes)` or `cron(0 2 * * ? *)`. */
  readonly schedule: string;
  readonly timeoutMs: number;
  readonly failAfter: number;
  /** Consecutive UNKNOWN results before an unknown state is escalated. */
  readonly unknownAfter: number;
  readonly failOn: 'critical' | 'warning';
  readonly severity: Severity;
  readonly platform: Platform;
  readonly repair?: RepairPolicy;
  /** Names of checks in the same package whose failure suppresses this check's repair and escalation. */
  readonly dependsOn: readonly string[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly flap: FlapPolicy;
  readonly reportOnly: boolean;
  /** Extra environment for the scripts: HEALOPS_PARAM_<NAME> values. */
  readonly env: Readonly<Record<string, string>>;
  /** Folder of the package (cwd for package scripts). */
  readonly packageDir: string;
}

/** A package that cannot run here, and why (missing required parameter, other platform). */
export interface SkippedPackage {
  readonly package: string;
  readonly reason: string;
  readonly checks: readonly string[];
}
