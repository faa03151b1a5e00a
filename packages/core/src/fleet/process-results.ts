import type { BundlePackage } from '../deploy/bundle.js';
import { type Evaluated, evaluateResult } from '../engine/check-task.js';
import type { EngineDeps, RunSettings } from '../engine/deps.js';
import { interpretExecution } from '../engine/interpret.js';
import { isFailingParent } from '../engine/lifecycle.js';
import { Limit } from '../engine/limit.js';
import { runPoints } from '../engine/points.js';
import type { Collected } from '../engine/state-changes.js';
import { StateConflictError } from '../errors.js';
import { checkFailedEvent } from '../events/check-failed.js';
import { escalatedEvent } from '../events/escalated.js';
import type { HealOpsEvent } from '../events/healops-event.js';
import type { EventPublisher } from '../events/ports.js';
import { recoveredEvent } from '../events/recovered.js';
import { isInMaintenance } from '../manifest/maintenance.js';
import type { CheckKey, ResolvedCheck } from '../model/check.js';
import { type CheckRun, OUTCOMES } from '../model/results.js';
import { FleetResultError, FleetResultReplayedError } from './errors.js';
import { ObservedStore } from './observed-store.js';
import type { FleetResult } from './ports.js';

/** The adapters of the check path: the engine's, plus the event bus. */
export interface FleetDeps extends EngineDeps {
  readonly events: EventPublisher;
}

export interface FleetSettings extends RunSettings {
  /** Carried by every event this run publishes (the Lambda request id, or the id of the run a continuation resumes). */
  readonly correlationId: string;
  /** Results decided at once (state reads and writes in flight); default 16. */
  readonly concurrency?: number;
}

/** How one result ended: an engine outcome, handed to repair, already recorded (skipped), or failed to process. */
export const FLEET_OUTCOMES = [...OUTCOMES, 'repair', 'replayed', 'error'] as const;
export type FleetOutcome = (typeof FLEET_OUTCOMES)[number];

export interface FleetReport {
  readonly counts: Record<FleetOutcome, number>;
  /** Events published (Check Failed, Escalated, Recovered). */
  readonly published: number;
  /** One line per result or port that failed; never with a secret (messages of the ports and the engine). */
  readonly errors: readonly string[];
}

const CONFLICT_RETRIES = 3;
const DEFAULT_CONCURRENCY = 16;

export function emptyFleetReport(): FleetReport {
  return {
    counts: Object.fromEntries(FLEET_OUTCOMES.map((o) => [o, 0])) as Record<FleetOutcome, number>,
    published: 0,
    errors: [],
  };
}

export function mergeFleetReports(a: FleetReport, b: FleetReport): FleetReport {
  const counts = { ...a.counts };
  for (const outcome of FLEET_OUTCOMES) counts[outcome] += b.counts[outcome];
  return { counts, published: a.published + b.published, errors: [...a.errors, ...b.errors] };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Item {
  readonly check: ResolvedCheck;
  readonly run: CheckRun;
}

/**
 * Decides about a batch of fleet results as the local loop does for one run each: interpret through the Nagios
 * contract, points to the sinks, evaluateResult on the stored state (parents failing in this batch or in the store
 * suppress). A repair verdict saves the recorded state and publishes `HealOps Check Failed` for the repair function;
 * a problem opened here publishes `HealOps Escalated`, a recovery `HealOps Recovered` (their ticket actions are in
 * the outbox with the state). A result already recorded is skipped. Never throws for one bad result: it is counted
 * as `error` and reported, and the others go on.
 */
export async function processFleetResults(
  deps: FleetDeps,
  settings: FleetSettings,
  pkg: BundlePackage,
  results: readonly FleetResult[],
): Promise<FleetReport> {
  const report = emptyFleetReport();
  const errors: string[] = [];
  const events: HealOpsEvent[] = [];
  const byName = new Map(pkg.checks.map((c) => [c.name, c]));
  const items: Item[] = [];
  for (const result of results) {
    const check = byName.get(result.check);
    if (check === undefined) {
      report.counts.error++;
      errors.push(
        new FleetResultError(`package ${pkg.name} has no check ${JSON.stringify(result.check)}`).message,
      );
      continue;
    }
    const key: CheckKey = { package: pkg.name, check: check.name, target: result.target };
    items.push({ check, run: interpretExecution(key, result.exec, new Date(result.startedAt)) });
  }
  const batch = new Map(items.map((i) => [`${i.check.name}\u0000${i.run.key.target}`, i]));
  const failingParents = async (check: ResolvedCheck, target: string): Promise<string[]> => {
    const failing: string[] = [];
    for (const parentName of check.dependsOn) {
      const parent = byName.get(parentName);
      const status =
        batch.get(`${parentName}\u0000${target}`)?.run.status ??
        (await deps.state.load({ package: pkg.name, check: parentName, target }))?.lastStatus ??
        null;
      if (isFailingParent(status, parent?.failOn ?? 'critical')) failing.push(parentName);
    }
    return failing;
  };

  const limit = new Limit(settings.concurrency ?? DEFAULT_CONCURRENCY);
  await Promise.all(
    items.map((item) =>
      limit.run(async () => {
        try {
          const outcome = await processOne(deps, settings, pkg, item, failingParents, events);
          report.counts[outcome]++;
        } catch (error) {
          report.counts.error++;
          errors.push(`${pkg.name}/${item.check.name} on ${item.run.key.target}: ${message(error)}`);
          deps.observer?.onPortError?.('fleet', error);
        }
      }),
    ),
  );
  let published = 0;
  if (events.length > 0 && !settings.dryRun) {
    try {
      await deps.events.publish(events);
      published = events.length;
    } catch (error) {
      errors.push(`events: ${message(error)}`);
      deps.observer?.onPortError?.('events', error);
    }
  }
  return { counts: report.counts, published, errors };
}

async function processOne(
  deps: FleetDeps,
  settings: FleetSettings,
  pkg: BundlePackage,
  item: Item,
  failingParents: (check: ResolvedCheck, target: string) => Promise<string[]>,
  events: HealOpsEvent[],
): Promise<FleetOutcome> {
  const { check, run } = item;
  const collected: Collected = { events: [], points: runPoints(check, run) };
  if (check.kind === 'stats') {
    await record(deps, settings, collected);
    return run.status === 'unknown' && run.unknownReason !== undefined ? 'unknown' : 'ok';
  }
  for (let attempt = 1; ; attempt++) {
    const store = new ObservedStore(deps.state, run.startedAt);
    const scoped: FleetDeps = { ...deps, state: store };
    const marks = { events: collected.events.length, points: collected.points.length };
    let evaluated: Evaluated;
    try {
      evaluated = await evaluateResult(
        scoped,
        settings,
        {
          check,
          target: run.key.target,
          failingParents: () => failingParents(check, run.key.target),
          maintenance: (now) => isInMaintenance(check.maintenance, now),
        },
        run,
        collected,
      );
    } catch (error) {
      if (error instanceof FleetResultReplayedError) return 'replayed';
      if (!(error instanceof StateConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      collected.events.length = marks.events;
      collected.points.length = marks.points;
      continue;
    }
    const at = deps.clock.now();
    const correlationId = settings.correlationId;
    if (evaluated.kind === 'repair') {
      const { changes } = evaluated;
      await changes.persist();
      if (!settings.dryRun) {
        events.push(
          checkFailedEvent({
            check,
            run,
            state: changes.state,
            at,
            correlationId,
            repairDocument: pkg.document.name,
          }),
        );
      }
      await record(deps, settings, collected);
      return 'repair';
    }
    const { decided } = evaluated;
    const problem = store.saved?.problem;
    if (collected.events.some((e) => e.type === 'escalated') && problem) {
      events.push(
        escalatedEvent({
          key: run.key,
          check,
          problem,
          run,
          detail: decided.detail ?? run.summary,
          repairs: [],
          at,
          correlationId,
        }),
      );
    }
    if (decided.outcome === 'recovered') {
      events.push(
        recoveredEvent({
          key: run.key,
          check,
          run,
          problem: store.before?.problem ?? null,
          how: 'recovered by itself',
          repairs: [],
          at,
          correlationId,
        }),
      );
    }
    await record(deps, settings, collected);
    return decided.outcome;
  }
}

/** Points to every sink and the audit events to the log; a failing port is reported, never thrown (dry run: none). */
async function record(deps: FleetDeps, settings: RunSettings, collected: Collected): Promise<void> {
  if (settings.dryRun) return;
  const safely = (port: string, action: () => Promise<void>) =>
    action().catch((error: unknown) => deps.observer?.onPortError?.(port, error));
  await Promise.all([
    ...deps.sinks.map((sink) => safely(`metrics:${sink.name}`, () => sink.write(collected.points))),
    collected.events.length === 0
      ? Promise.resolve()
      : safely('audit', () => deps.audit.append(collected.events)),
  ]);
}
