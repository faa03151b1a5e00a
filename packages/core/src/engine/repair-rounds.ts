import type { RepairPolicy, ResolvedCheck } from '../model/check.js';
import type { CheckRun, MetricPoint, RepairAttempt, SkipReason } from '../model/results.js';
import type { AuditEvent, CheckState } from '../model/state.js';
import type { StatusName } from '../model/status.js';
import { ssmJobId } from '../ssm/jobs.js';
import { checkBudget } from './budget.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { executeCheck } from './execute.js';
import { beginRepair, endRepair, isFailure, recordResult } from './lifecycle.js';
import { repairPoints, runPoints } from './points.js';
import { repairEnv } from './script-env.js';

const REPAIR_OUTPUT_LIMIT = 4096;
export const DEFAULT_LEASE_OWNER = 'healops';

/** Why the rounds ended before one fixed the check or all maxAttempts were used. */
export type RoundsStop =
  | { readonly kind: 'policy'; readonly reason: SkipReason; readonly detail: string }
  | { readonly kind: 'interrupted'; readonly detail: string };

export interface RoundsResult {
  readonly state: CheckState;
  readonly lastRun: CheckRun;
  readonly attempts: readonly RepairAttempt[];
  readonly succeeded: boolean;
  readonly stop?: RoundsStop;
}

/** Long enough for every round to run to its timeouts; a crashed runner's lease then simply expires. */
export function leaseMs(check: ResolvedCheck, repair: RepairPolicy): number {
  return repair.maxAttempts * (repair.timeoutMs + repair.verifyAfterMs + check.timeoutMs) + 60_000;
}

/** Before a further round: never repair what cannot be seen, a flapping check, or beyond the budget. */
function refuseNextRound(state: CheckState, lastRun: CheckRun, repair: RepairPolicy, now: Date) {
  if (lastRun.status === 'unknown') {
    return {
      kind: 'policy',
      reason: 'unknown-status',
      detail: 're-check was UNKNOWN; no further repair',
    } as const;
  }
  if (state.flapping) {
    return {
      kind: 'policy',
      reason: 'flapping',
      detail: 'the check started flapping; no further repair',
    } as const;
  }
  const budget = checkBudget(state, repair.budget, now);
  return budget.allowed ? undefined : ({ kind: 'policy', reason: 'budget', detail: budget.reason } as const);
}

/**
 * Repair, wait, re-check — up to maxAttempts rounds per hard failure. A round succeeds only when the repair exited 0
 * AND the re-check passes: success is decided by the check, never by the repair's word. Each round takes the lease
 * and spends budget in a conditional write before the repair runs, so two runners never repair one target at once
 * and a crash cannot hide a spent repair (a StateConflictError here means another runner got there first).
 */
export async function repairRounds(
  deps: EngineDeps,
  settings: RunSettings,
  check: ResolvedCheck,
  repair: RepairPolicy,
  initial: { state: CheckState; run: CheckRun },
  sink: { events: AuditEvent[]; points: MetricPoint[] },
  signal?: AbortSignal,
): Promise<RoundsResult> {
  let state = initial.state;
  let lastRun = initial.run;
  const attempts: RepairAttempt[] = [];
  const owner = settings.leaseOwner ?? DEFAULT_LEASE_OWNER;
  while (state.incidentRepairs < repair.maxAttempts) {
    const now = deps.clock.now();
    if (signal?.aborted) return { state, lastRun, attempts, succeeded: false, stop: interrupted() };
    if (attempts.length > 0) {
      const refused = refuseNextRound(state, lastRun, repair, now);
      if (refused) return { state, lastRun, attempts, succeeded: false, stop: refused };
    }
    state = await deps.state.save(beginRepair(state, now, leaseMs(check, repair), owner), state.version);
    const attempt = state.incidentRepairs;
    sink.events.push({
      time: now.toISOString(),
      type: 'repair-started',
      key: state.key,
      status: lastRun.status,
      message: `attempt ${attempt}/${repair.maxAttempts}: ${repair.command.display}`,
    });
    const exec = await deps.executor.run(
      {
        target: state.key.target,
        job: { package: check.package, id: ssmJobId('repair', check.name) },
        argv: repair.command.argv,
        ...(repair.command.fromPackage ? { cwd: check.packageDir } : {}),
        env: repairEnv(check, lastRun, attempt, settings),
        stdin: JSON.stringify(lastRun),
        timeoutMs: repair.timeoutMs,
        maxOutputBytes: settings.maxOutputBytes,
      },
      signal,
    );
    const repairOk = exec.exitCode === 0 && !exec.timedOut && exec.spawnError === undefined;
    const repairOutput = (exec.stdout + (exec.stderr ? `\n${exec.stderr}` : '')).trim();
    sink.events.push({
      time: deps.clock.now().toISOString(),
      type: 'repair-finished',
      key: state.key,
      message: repairOk
        ? `repair exited 0 after ${Math.round(exec.durationMs)} ms`
        : `repair failed: ${exec.spawnError ?? (exec.timedOut ? 'timed out' : `exit code ${exec.exitCode ?? `signal ${exec.signal}`}`)}`,
      detail: {
        exitCode: exec.exitCode,
        timedOut: exec.timedOut,
        truncated: exec.truncated,
        output: repairOutput.slice(0, REPAIR_OUTPUT_LIMIT),
      },
    });
    let verifyStatus: StatusName | null = null;
    if (repairOk && !signal?.aborted) {
      await deps.clock.sleep(repair.verifyAfterMs, signal);
      const verify = await executeCheck(deps, settings, check, state.key, signal);
      const recorded = recordResult(state, verify, check, deps.clock.now());
      state = recorded.state;
      sink.events.push(...recorded.events, {
        time: deps.clock.now().toISOString(),
        type: 'verify-result',
        key: state.key,
        status: verify.status,
        message: `re-check after ${repair.verifyAfterMs} ms: ${verify.summary}`,
      });
      lastRun = verify;
      verifyStatus = verify.status;
      sink.points.push(...runPoints(check, verify));
    }
    const succeeded =
      verifyStatus !== null && verifyStatus !== 'unknown' && !isFailure(verifyStatus, check.failOn);
    const record: RepairAttempt = {
      attempt,
      startedAt: now.toISOString(),
      exitCode: exec.exitCode,
      timedOut: exec.timedOut,
      durationMs: exec.durationMs,
      output: repairOutput.slice(0, REPAIR_OUTPUT_LIMIT),
      verifyStatus,
      succeeded,
    };
    attempts.push(record);
    sink.points.push(...repairPoints(check, state.key.target, record));
    state = endRepair(state, succeeded, check, deps.clock.now());
    if (succeeded) return { state, lastRun, attempts, succeeded: true };
    if (signal?.aborted) {
      // Stopped by the operator before a verdict: the budget stays spent, the failure keeps its attempt.
      state = {
        ...state,
        incidentRepairs: state.incidentRepairs - 1,
        failedRepairStreak: state.failedRepairStreak - 1,
      };
      return { state, lastRun, attempts, succeeded: false, stop: interrupted() };
    }
  }
  return { state, lastRun, attempts, succeeded: false };
}

function interrupted(): RoundsStop {
  return { kind: 'interrupted', detail: 'interrupted: HealOps was asked to stop during the repair' };
}
