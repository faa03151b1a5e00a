import {
  type CheckKey,
  type CheckState,
  type Problem,
  SEVERITIES,
  STATUS_NAMES,
  type StatusName,
} from '@healops/core';
import { DynamoStoreError } from './dynamo-store-error.js';
import { describeKey, PROBLEM_PK, problemSk, STATE_LIST_PK, stateKey, stateListSk } from './item-keys.js';
import {
  type Item,
  isRecord,
  oneOf,
  readBoolean,
  readNullableString,
  readNumber,
  readNumberList,
  readString,
  readStringList,
} from './item-values.js';

/** The item of one check state at `version`: in gsi2 (`STATE`) always, in gsi1 (`PROBLEM`) while a problem is open. */
export function stateToItem(state: CheckState, version: number): Item {
  const { key } = state;
  return {
    ...stateKey(key),
    gsi2pk: STATE_LIST_PK,
    gsi2sk: stateListSk(key),
    ...(state.problem === null ? {} : { gsi1pk: PROBLEM_PK, gsi1sk: problemSk(state.problem.openedAt, key) }),
    package: key.package,
    check: key.check,
    target: key.target,
    version,
    lastStatus: state.lastStatus,
    lastRunAt: state.lastRunAt,
    consecutiveFailures: state.consecutiveFailures,
    consecutiveUnknowns: state.consecutiveUnknowns,
    history: [...state.history],
    flapping: state.flapping,
    repairTimes: [...state.repairTimes],
    failedRepairStreak: state.failedRepairStreak,
    problem: state.problem === null ? null : { ...state.problem },
    incidentRepairs: state.incidentRepairs,
    repairLeaseUntil: state.repairLeaseUntil,
    repairLeaseOwner: state.repairLeaseOwner,
  };
}

export function itemToKey(item: Item, what = 'check state item'): CheckKey {
  return {
    package: readString(item, 'package', what),
    check: readString(item, 'check', what),
    target: readString(item, 'target', what),
  };
}

function status(value: string, what: string): StatusName {
  return oneOf(STATUS_NAMES, value, what);
}

export function itemToProblem(value: unknown, what: string): Problem {
  if (!isRecord(value)) throw new DynamoStoreError(`${what}: problem is not a map`);
  return {
    dedupKey: readString(value, 'dedupKey', what),
    openedAt: readString(value, 'openedAt', what),
    severity: oneOf(SEVERITIES, readString(value, 'severity', what), `${what} severity`),
    reason: readString(value, 'reason', what),
    lastStatus: status(readString(value, 'lastStatus', what), `${what} lastStatus`),
    lastOutput: readString(value, 'lastOutput', what),
    updatedAt: readString(value, 'updatedAt', what),
    occurrences: readNumber(value, 'occurrences', what),
  };
}

export function itemToState(item: Item): CheckState {
  const key = itemToKey(item);
  const what = `check state ${describeKey(key)}`;
  const lastStatus = readNullableString(item, 'lastStatus', what);
  const problem = item.problem;
  return {
    key,
    version: readNumber(item, 'version', what),
    lastStatus: lastStatus === null ? null : status(lastStatus, `${what} lastStatus`),
    lastRunAt: readNullableString(item, 'lastRunAt', what),
    consecutiveFailures: readNumber(item, 'consecutiveFailures', what),
    consecutiveUnknowns: readNumber(item, 'consecutiveUnknowns', what),
    history: readNumberList(item, 'history', what),
    flapping: readBoolean(item, 'flapping', what),
    repairTimes: readStringList(item, 'repairTimes', what),
    failedRepairStreak: readNumber(item, 'failedRepairStreak', what),
    problem: problem === undefined || problem === null ? null : itemToProblem(problem, `${what} problem`),
    incidentRepairs: readNumber(item, 'incidentRepairs', what),
    repairLeaseUntil: readNullableString(item, 'repairLeaseUntil', what),
    repairLeaseOwner: readNullableString(item, 'repairLeaseOwner', what),
  };
}
