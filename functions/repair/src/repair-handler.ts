import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type AuditLog,
  type CheckState,
  type Clock,
  type Collected,
  DEFAULT_MAX_OUTPUT_BYTES,
  type Decided,
  type DeploymentBundle,
  type EngineDeps,
  type EventPublisher,
  type Executor,
  HEALOPS_DETAIL_TYPES,
  type HealOpsEvent,
  isFailingParent,
  type MetricsSink,
  type Outcome,
  parseHealOpsEvent,
  type ResolvedCheck,
  type RunSettings,
  repairFailure,
  routeName,
  StateChanges,
  StateConflictError,
  type StateStore,
} from '@healops/core';
import { bundleCheck } from '../../shared/src/bundle.js';
import { RepairEventError } from './errors.js';
import { eventKey, failedRunOf } from './failed-run.js';
import { outcomeEvents } from './outcome-events.js';
import { type RepairSkipReason, skipReason } from './still-failing.js';

/** What the handler needs of its Lambda context. */
export interface LambdaContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** An EventBridge event as Lambda receives it (the Parser middleware checked the envelope). */
export interface EventBridgeEnvelope {
  readonly id: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
}

export interface RepairDeps {
  readonly bundle: DeploymentBundle;
  /** State, audit trail and ticket outbox (DynamoStore). */
  readonly store: StateStore & AuditLog;
  /** Runs the repair and the re-check on the target (SsmExecutor). */
  readonly executor: Executor;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sinks?: readonly MetricsSink[];
  readonly maxOutputBytes?: number;
  /** Time kept back from the invocation's remaining time to stop a repair and save its state (default 15 s). */
  readonly stopMarginMs?: number;
}

export type RepairResult =
  | {
      readonly status: 'skipped';
      readonly reason: RepairSkipReason;
      readonly detail: string;
    }
  | {
      readonly status: 'done';
      readonly outcome: Outcome;
      readonly attempts: number;
      readonly detail?: string;
      readonly published: readonly string[];
      /**
       * Events the bus refused after the publisher's retries: the step's state and ticket actions are saved, so
       * the answer stands (a redelivery gets it from the idempotency record instead of a futile retry); tickets
       * go out from the outbox, and a target still failing is reported again by the next check run.
       */
      readonly unpublished?: readonly string[];
    };

/** Times the step is decided again on fresh state when another runner wrote it in between. */
const CONFLICT_RETRIES = 3;
const DEFAULT_STOP_MARGIN_MS = 15_000;

/**
 * The repair function's logic for one `HealOps Check Failed` event: find the check in the bundle, re-read the
 * target's state and skip (with a log line) unless it still shows the failure waiting for a repair; otherwise run
 * the repair rounds of the engine (repair, wait, re-check) under the state's lease, owned by
 * `lambda:<function>:<request id>`, save the verdict with its ticket actions, record audit and metrics, and
 * publish the attempts and the recovery or escalation. Idempotency, logging context and envelope parsing are the
 * middlewares' (repair-lambda.ts).
 */
export function createRepairHandler(
  deps: RepairDeps,
): (event: EventBridgeEnvelope, context: LambdaContext) => Promise<RepairResult> {
  const { logger } = deps;
  const routes = deps.bundle.tickets.map((c) => ({
    name: routeName(c),
    ...(c.severities ? { severities: c.severities } : {}),
  }));

  return async (event, context) => {
    const parsed = parseHealOpsEvent(event['detail-type'], event.detail);
    if (parsed.detailType !== HEALOPS_DETAIL_TYPES.checkFailed) {
      throw new RepairEventError(
        `the repair function takes ${HEALOPS_DETAIL_TYPES.checkFailed} events, not ${parsed.detailType}`,
      );
    }
    const detail = parsed.detail;
    const key = eventKey(detail);
    logger.appendKeys({
      package: key.package,
      check: key.check,
      target: key.target,
    });
    const skip = (reason: RepairSkipReason, why: string): RepairResult => {
      logger.info('repair skipped', { reason, detail: why, idempotencyKey: detail.idempotencyKey });
      return { status: 'skipped', reason, detail: why };
    };
    const found = bundleCheck(deps.bundle, key.package, key.check);
    if (found === undefined) return skip('unknown-check', 'the deployment bundle has no such check');
    const { check, pkg } = found;
    if (check.repair === undefined) return skip('no-repair', 'the check defines no repair');

    const owner = `lambda:${context.functionName}:${context.awsRequestId}`;
    const settings: RunSettings = {
      dryRun: false,
      maxOutputBytes: deps.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      leaseOwner: owner,
      ticketRoutes: routes,
    };
    const engine: EngineDeps = {
      executor: deps.executor,
      state: deps.store,
      audit: deps.store,
      sinks: deps.sinks ?? [],
      clock: deps.clock,
    };
    const stopIn = Math.max(
      1_000,
      context.getRemainingTimeInMillis() - (deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS),
    );
    const signal = AbortSignal.timeout(stopIn);
    const run = failedRunOf(detail);

    for (let attempt = 1; ; attempt++) {
      const state = await deps.store.load(key);
      const why = skipReason({
        detail,
        check,
        state,
        run,
        now: deps.clock.now(),
        owner,
        failingParents: await failingParents(deps.store, pkg.checks, check, key.target),
      });
      if (why !== undefined || state === undefined) {
        return skip(why?.reason ?? 'no-state', why?.detail ?? 'no state is stored for this target');
      }
      const collected: Collected = { events: [], points: [] };
      const changes = new StateChanges(engine, settings, check, collected, state);
      let decided: Decided;
      try {
        logger.info('repairing', { attemptsUsed: state.incidentRepairs, stateVersion: state.version });
        decided = await repairFailure(engine, settings, check, changes, run, signal);
      } catch (error) {
        if (error instanceof StateConflictError && attempt < CONFLICT_RETRIES) {
          logger.info('the state changed meanwhile; deciding again', { error: error.message });
          continue;
        }
        throw error;
      }
      await record(deps, collected);
      const events = outcomeEvents({
        detail,
        key,
        check,
        decided,
        problemBefore: state.problem,
        problemAfter: changes.state.problem,
        at: deps.clock.now(),
      });
      const unpublished = await publishOutcome(deps, events);
      const result: RepairResult = {
        status: 'done',
        outcome: decided.outcome,
        attempts: decided.repair.attempts.length,
        ...(decided.detail === undefined ? {} : { detail: decided.detail }),
        published: unpublished.length === 0 ? events.map((e) => e.detailType) : [],
        ...(unpublished.length === 0 ? {} : { unpublished }),
      };
      logger.info('repair step finished', { ...result });
      return result;
    }
  };
}

/**
 * Publishes the step's events; when the bus still refuses them after the publisher's retries, logs it (an error
 * the function's log metric filter and alarms see) and answers their detail types instead of throwing: the
 * verdict is saved, and throwing would only make Lambda retry an event the next attempt skips.
 */
async function publishOutcome(deps: RepairDeps, events: readonly HealOpsEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  try {
    await deps.publisher.publish(events);
    return [];
  } catch (error) {
    const detailTypes = events.map((e) => e.detailType);
    deps.logger.error('the repair step is saved but its events were not published', {
      reason: error instanceof Error ? error.message : String(error),
      detailTypes,
    });
    return detailTypes;
  }
}

/** The dependsOn parents failing (or unseen) on this target now, from their stored state. */
async function failingParents(
  store: StateStore,
  checks: readonly ResolvedCheck[],
  check: ResolvedCheck,
  target: string,
): Promise<string[]> {
  const failing: string[] = [];
  for (const parent of check.dependsOn) {
    const state: CheckState | undefined = await store.load({ package: check.package, check: parent, target });
    const failOn = checks.find((c) => c.name === parent)?.failOn ?? 'critical';
    if (isFailingParent(state?.lastStatus ?? null, failOn)) failing.push(parent);
  }
  return failing;
}

/** Audit events and metric points of the step; a failing port is logged, never fatal (the state is saved). */
async function record(deps: RepairDeps, collected: Collected): Promise<void> {
  try {
    await deps.store.append(collected.events);
  } catch (error) {
    deps.logger.error('could not append the audit events', { error: error as Error });
  }
  for (const sink of deps.sinks ?? []) {
    try {
      await sink.write(collected.points);
      await sink.flush();
    } catch (error) {
      deps.logger.error('a metrics sink failed', { sink: sink.name, error: error as Error });
    }
  }
}
