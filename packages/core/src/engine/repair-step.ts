import { HealOpsError } from '../errors.js';
import type { ResolvedCheck } from '../model/check.js';
import type { CheckRun, Outcome, RepairReport } from '../model/results.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { repairRounds } from './repair-rounds.js';
import type { StateChanges } from './state-changes.js';

/** How a step ended for one (check, target): the run that stands, the outcome, the repair report. */
export interface Decided {
  readonly last: CheckRun;
  readonly outcome: Outcome;
  readonly repair: RepairReport;
  readonly detail?: string;
}

/**
 * The repair verdict carried out: rounds of repair + re-check under the lease, then recovered or escalated, saved
 * with its ticket actions. `changes` holds the state as recorded with `failed` (the hard failure being repaired).
 * The local loop runs it right after the decision; the repair Lambda runs it for a `HealOps Check Failed` event.
 */
export async function repairFailure(
  deps: EngineDeps,
  settings: RunSettings,
  check: ResolvedCheck,
  changes: StateChanges,
  failed: CheckRun,
  signal?: AbortSignal,
): Promise<Decided> {
  const repair = check.repair;
  if (repair === undefined) {
    throw new HealOpsError(`${check.package}/${check.name}: repair verdict without a repair`);
  }
  changes.note('hard-fail', deps.clock.now(), failed.status, failed.summary);
  const rounds = await repairRounds(
    deps,
    settings,
    check,
    repair,
    { state: changes.state, run: failed },
    changes.collected,
    signal,
  );
  changes.state = rounds.state;
  const report: RepairReport = {
    attempted: rounds.attempts.length > 0,
    succeeded: rounds.succeeded,
    skippedReason: rounds.stop?.kind === 'policy' ? rounds.stop.reason : null,
    attempts: rounds.attempts,
  };
  const at = deps.clock.now();
  if (rounds.succeeded) {
    const hadProblem = changes.state.problem !== null;
    const how = `repaired after ${rounds.attempts.length} attempt(s)`;
    changes.recover(rounds.lastRun, how, rounds.attempts, at);
    if (!hadProblem)
      changes.note('recovered', at, rounds.lastRun.status, `${how}: ${rounds.lastRun.summary}`);
    await changes.persist();
    return { last: rounds.lastRun, outcome: 'recovered', repair: report };
  }
  if (rounds.stop?.kind === 'interrupted') {
    // Stopped by the operator: release the lease and keep the record, but do not page anyone for it.
    await changes.persist();
    return { last: rounds.lastRun, outcome: 'unknown', repair: report, detail: rounds.stop.detail };
  }
  const detail =
    rounds.stop?.detail ?? `still ${rounds.lastRun.status} after ${rounds.attempts.length} repair attempt(s)`;
  changes.escalate(rounds.lastRun, 'repair-failed', detail, rounds.attempts, at);
  await changes.persist();
  return { last: rounds.lastRun, outcome: 'escalated', repair: report, detail };
}
