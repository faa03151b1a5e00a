import {
  type CheckKey,
  type CheckState,
  type Problem,
  SEVERITIES,
  STATUS_NAMES,
  type StatusName,
} from '@healops/core';
import { fromJsonText, isNumberArray, isRecord, isStringArray, oneOf, toJsonText } from './columns.js';

/** One row of check_state as better-sqlite3 returns it. */
export interface CheckStateRow {
  readonly package: string;
  readonly check_name: string;
  readonly target: string;
  readonly version: number;
  readonly last_status: string | null;
  readonly last_run_at: string | null;
  readonly consecutive_failures: number;
  readonly consecutive_unknowns: number;
  readonly history: string;
  readonly flapping: number;
  readonly repair_times: string;
  readonly failed_repair_streak: number;
  readonly problem: string | null;
  readonly repair_lease_until: string | null;
  readonly incident_repairs: number;
  readonly repair_lease_owner: string | null;
}

export const CHECK_STATE_COLUMNS =
  'package, check_name, target, version, last_status, last_run_at, consecutive_failures, ' +
  'consecutive_unknowns, history, flapping, repair_times, failed_repair_streak, problem, repair_lease_until, ' +
  'incident_repairs, repair_lease_owner';

export function describeKey(key: CheckKey): string {
  return `${key.package}/${key.check}@${key.target}`;
}

export function stateToRow(state: CheckState, version: number): CheckStateRow {
  const what = `check state ${describeKey(state.key)}`;
  return {
    package: state.key.package,
    check_name: state.key.check,
    target: state.key.target,
    version,
    last_status: state.lastStatus,
    last_run_at: state.lastRunAt,
    consecutive_failures: state.consecutiveFailures,
    consecutive_unknowns: state.consecutiveUnknowns,
    history: toJsonText(state.history, `${what} history`),
    flapping: state.flapping ? 1 : 0,
    repair_times: toJsonText(state.repairTimes, `${what} repairTimes`),
    failed_repair_streak: state.failedRepairStreak,
    problem: state.problem === null ? null : toJsonText(state.problem, `${what} problem`),
    repair_lease_until: state.repairLeaseUntil,
    incident_repairs: state.incidentRepairs,
    repair_lease_owner: state.repairLeaseOwner,
  };
}

export function rowToKey(row: Pick<CheckStateRow, 'package' | 'check_name' | 'target'>): CheckKey {
  return { package: row.package, check: row.check_name, target: row.target };
}

export function rowToState(row: CheckStateRow): CheckState {
  const key = rowToKey(row);
  const what = `check state ${describeKey(key)}`;
  return {
    key,
    version: row.version,
    lastStatus: row.last_status === null ? null : oneOf(STATUS_NAMES, row.last_status, `${what} lastStatus`),
    lastRunAt: row.last_run_at,
    consecutiveFailures: row.consecutive_failures,
    consecutiveUnknowns: row.consecutive_unknowns,
    history: fromJsonText(row.history, isNumberArray, `${what} history`),
    flapping: row.flapping === 1,
    repairTimes: fromJsonText(row.repair_times, isStringArray, `${what} repairTimes`),
    failedRepairStreak: row.failed_repair_streak,
    problem: row.problem === null ? null : parseProblem(row.problem, `${what} problem`),
    incidentRepairs: row.incident_repairs,
    repairLeaseUntil: row.repair_lease_until,
    repairLeaseOwner: row.repair_lease_owner,
  };
}

export function parseProblem(text: string, what: string): Problem {
  const raw = fromJsonText(text, isProblemShape, what);
  return {
    dedupKey: raw.dedupKey,
    openedAt: raw.openedAt,
    severity: oneOf(SEVERITIES, raw.severity, `${what} severity`),
    reason: raw.reason,
    lastStatus: oneOf<StatusName>(STATUS_NAMES, raw.lastStatus, `${what} lastStatus`),
    lastOutput: raw.lastOutput,
    updatedAt: raw.updatedAt,
    occurrences: raw.occurrences,
  };
}

interface ProblemShape {
  readonly dedupKey: string;
  readonly openedAt: string;
  readonly severity: string;
  readonly reason: string;
  readonly lastStatus: string;
  readonly lastOutput: string;
  readonly updatedAt: string;
  readonly occurrences: number;
}

const PROBLEM_TEXT_FIELDS = [
  'dedupKey',
  'openedAt',
  'severity',
  'reason',
  'lastStatus',
  'lastOutput',
  'updatedAt',
] as const;

function isProblemShape(value: unknown): value is ProblemShape {
  return (
    isRecord(value) &&
    PROBLEM_TEXT_FIELDS.every((field) => typeof value[field] === 'string') &&
    typeof value.occurrences === 'number'
  );
}
