import type { RepairPolicy, ResolvedCheck } from '../model/check.js';
import type { CheckRun, MetricPoint, RepairAttempt } from '../model/results.js';
import type { AuditEvent, CheckState } from '../model/state.js';
import { checkBudget } from './budget.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { executeCheck } from './execute.js';
import { beginRepair, endRepair, isFailure, recordResult } from './lifecycle.js';
import { repairPoints, runPoints } from './points.js';
import { repairEnv } from './script-env.js';

const REPAIR_OUTPUT_LIMIT = 4096;

export interface RoundsResult {
  readonly state: CheckState;
  readonly lastRun: CheckRun;
  readonly attempts: readonly RepairAttempt[];
  readonly succeeded: boolean;
  /** Set when a later round was refused by the budget. */
  readonly budgetStop?: string;
}

/** Long enough for every round to run to its timeouts; a crashed runner's lease then simply expires. */
export function leaseMs(check: ResolvedCheck, repair: RepairPolicy): number {
  return repair.maxAttempts * (repair.timeoutMs + repair.verifyAfterMs + check.timeoutMs) + 60_000;
}

/**
 * Repair, wait, re-check — up to maxAttempts rounds. A round succeeds only when the repair exited 0 AND the
 * re-check passes: success is decided by the check, never by the repair's word. Each round spends budget and is
 * persisted before the repair runs, so a crash cannot hide a spent repair.
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
  for (let attempt = 1; attempt <= repair.maxAttempts; attempt++) {
    const now = deps.clock.now();
    if (attempt > 1) {
      const budget = checkBudget(state, repair.budget, now);
      if (!budget.allowed) return { state, lastRun, attempts, succeeded: false, budgetStop: budget.reason };
    }
    state = await deps.state.save(beginRepair(state, now, leaseMs(check, repair)), state.version);
    sink.events.push({
      time: now.toISOString(),
      type: 'repair-started',
      key: state.key,
      status: lastRun.status,
      message: `attempt ${attempt}/${repair.maxAttempts}: ${repair.command.argv.join(' ')}`,
    });
    const exec = await deps.executor.run(
      {
        target: state.key.target,
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
        output: repairOutput.slice(0, REPAIR_OUTPUT_LIMIT),
      },
    });
    let verifyStatus = lastRun.status;
    if (repairOk) {
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
    const succeeded = repairOk && verifyStatus !== 'unknown' && !isFailure(verifyStatus, check.failOn);
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
  }
  return { state, lastRun, attempts, succeeded: false };
}
