import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ParseError } from '@aws-lambda-powertools/parser/errors';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import {
  type AuditLog,
  AWS_HEARTBEAT_RUNNER,
  type BundlePackage,
  bundleSchedules,
  type CheckPackageDeps,
  type Clock,
  checkContinueEvent,
  checkPackage,
  DEFAULT_MAX_OUTPUT_BYTES,
  type DeploymentBundle,
  type EventPublisher,
  type Executor,
  type FleetExecutor,
  type FleetHandle,
  type FleetSettings,
  heartbeatPoint,
  type MetricsSink,
  type ResolvedCheck,
  routeName,
  type StateStore,
} from '@healops/core';
import middy from '@middy/core';
import type { LambdaContextLike } from '../../notify/src/lambda-context.js';
import type { IdempotencyStore } from '../../shared/src/idempotency-store.js';
import { checkRunKey, idempotentCheckRun } from './check-idempotency.js';
import {
  type CheckInput,
  checkInputSchema,
  checkScope,
  describeIssues,
  isScheduledCheck,
} from './check-input.js';
import type { CheckResult, CheckRunResult } from './check-result.js';
import { CheckEventError, CheckInputError } from './errors.js';

export type {
  CheckResult,
  CheckRunResult,
  CheckSkippedResult,
  CheckSkipReason,
} from './check-result.js';

export interface CheckDeps {
  readonly bundle: DeploymentBundle;
  /** State, audit trail and ticket outbox (DynamoStore). */
  readonly store: StateStore & AuditLog;
  /** Runs the schedule's jobs on the package's fleet (SsmFleetExecutor). */
  readonly fleet: FleetExecutor;
  /**
   * The single-target executor the engine's deps carry (SsmExecutor). The check path decides on fleet results and
   * never runs a job through it (repairs are the repair function's).
   */
  readonly executor: Executor;
  /** The HealOps bus: Check Failed, Escalated, Recovered, and this function's Check Continue. */
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the runs' metric points go (PowertoolsEmfSink); flushed at the end of every invocation. */
  readonly sinks?: readonly MetricsSink[];
  readonly maxOutputBytes?: number;
  /** Kept back from the invocation's remaining time: publishing the continuation and flushing (default 20 s). */
  readonly marginMs?: number;
  /** Between polls of the fleet (default checkPackage's, 2 s). */
  readonly pollIntervalMs?: number;
  /** Results decided at once (default processFleetResults'). */
  readonly concurrency?: number;
  /**
   * Powertools Idempotency records (the table the repair function uses): a duplicate of a scheduled invocation
   * (same package, schedule and scheduledTime) or of a continuation does not run again. Without it every
   * invocation runs.
   */
  readonly idempotency?: IdempotencyStore;
}

/** The handler; without idempotency it never skips, and its type says so (CheckRunResult). */
export type CheckHandler<R extends CheckResult = CheckResult> = (
  event: unknown,
  context: LambdaContextLike,
) => Promise<R>;

export const CHECK_DEFAULTS = {
  marginMs: 20_000,
  /**
   * Errors a result carries (every one is logged): the result is stored as the run's idempotency record (a
   * DynamoDB item, 400 KB at most) and is an async invocation's destination payload (256 KB at most).
   */
  resultErrors: 20,
} as const;

interface RunStart {
  readonly pkg: BundlePackage;
  readonly schedule: string;
  readonly correlationId: string;
  readonly continuation: number;
  readonly checks?: readonly ResolvedCheck[];
  readonly handle?: FleetHandle;
}

function findPackage(bundle: DeploymentBundle, name: string): BundlePackage {
  const pkg = bundle.packages.find((p) => p.name === name);
  if (pkg === undefined)
    throw new CheckEventError(`the deployment bundle has no package ${JSON.stringify(name)}`);
  return pkg;
}

/** The package and jobs of a scheduled invocation, or the run a continuation resumes. */
function runStart(bundle: DeploymentBundle, input: CheckInput, context: LambdaContextLike): RunStart {
  if (isScheduledCheck(input)) {
    const pkg = findPackage(bundle, input.package);
    const schedule = bundleSchedules(bundle).find(
      (s) => s.package === pkg.name && s.schedule === input.schedule,
    );
    if (schedule === undefined) {
      throw new CheckEventError(
        `package ${pkg.name} has no job on the schedule ${JSON.stringify(input.schedule)}`,
      );
    }
    const jobs = new Set(schedule.jobs);
    return {
      pkg,
      schedule: input.schedule,
      correlationId: context.awsRequestId,
      continuation: 0,
      checks: pkg.checks.filter((c) => jobs.has(c.name)),
    };
  }
  const { detail } = input;
  return {
    pkg: findPackage(bundle, detail.package),
    schedule: detail.schedule,
    correlationId: detail.correlationId,
    continuation: detail.continuation,
    handle: detail.handle,
  };
}

/**
 * The check function: for a schedule's invocation, sends the schedule's jobs of the package to its fleet (SSM Run
 * Command) and decides about the results as they arrive (core checkPackage: points to the sinks, state and ticket
 * actions saved, Check Failed / Escalated / Recovered published) until they are all in or the invocation's time
 * less `marginMs` is spent; then, with results pending, publishes `HealOps Check Continue` carrying the handle, and
 * the continuation picks the run up. Powertools Logger (Lambda context, the run's correlation id) and Parser (the
 * input schema) wrap it; with `deps.idempotency`, Powertools Idempotency keeps a duplicate invocation from running
 * again (check-idempotency.ts).
 */
export function createCheckHandler(
  deps: CheckDeps & { readonly idempotency?: undefined },
): CheckHandler<CheckRunResult>;
export function createCheckHandler(deps: CheckDeps): CheckHandler;
export function createCheckHandler(deps: CheckDeps): CheckHandler {
  const { logger } = deps;
  const routes = deps.bundle.tickets.map((c) => ({
    name: routeName(c),
    ...(c.severities ? { severities: c.severities } : {}),
  }));
  const sinks = deps.sinks ?? [];

  const check = async (input: CheckInput, context: LambdaContextLike): Promise<CheckRunResult> => {
    const start = runStart(deps.bundle, input, context);
    const { pkg, schedule, correlationId } = start;
    logger.setCorrelationId(correlationId);
    const settings: FleetSettings = {
      dryRun: false,
      maxOutputBytes: deps.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      leaseOwner: `lambda:${context.functionName}:${context.awsRequestId}`,
      ticketRoutes: routes,
      correlationId,
      ...(deps.concurrency === undefined ? {} : { concurrency: deps.concurrency }),
    };
    const fleetDeps: CheckPackageDeps = {
      executor: deps.executor,
      state: deps.store,
      audit: deps.store,
      sinks,
      clock: deps.clock,
      events: deps.publisher,
      fleet: deps.fleet,
      observer: {
        onPortError: (port, error) =>
          logger.error(`${port} failed`, { reason: error instanceof Error ? error.message : String(error) }),
      },
    };
    const budgetMs = Math.max(
      0,
      context.getRemainingTimeInMillis() - (deps.marginMs ?? CHECK_DEFAULTS.marginMs),
    );
    let outcome: Awaited<ReturnType<typeof checkPackage>>;
    try {
      outcome = await checkPackage(fleetDeps, settings, pkg, {
        budgetMs,
        ...(start.checks ? { checks: start.checks } : {}),
        ...(start.handle ? { handle: start.handle } : {}),
        ...(deps.pollIntervalMs === undefined ? {} : { pollIntervalMs: deps.pollIntervalMs }),
      });
      // The deployment's dead-man alarm watches this: it stops when the checks stop running, not when one fails.
      await writeHeartbeat(sinks, deps.clock.now(), logger);
    } finally {
      await flushSinks(sinks, logger);
    }
    const { report, handle } = outcome;
    if (handle !== undefined) {
      await deps.publisher.publish([
        checkContinueEvent({
          schedule,
          handle,
          pending: outcome.pending,
          continuation: start.continuation + 1,
          at: deps.clock.now(),
          correlationId,
        }),
      ]);
    }
    for (const error of report.errors) logger.error('a result was not processed', { reason: error });
    const result: CheckRunResult = {
      status: 'done',
      package: pkg.name,
      schedule,
      correlationId,
      continuation: start.continuation,
      counts: report.counts,
      published: report.published,
      errors: report.errors.slice(0, CHECK_DEFAULTS.resultErrors),
      errorCount: report.errors.length,
      pending: outcome.pending,
      continued: handle !== undefined,
    };
    logger.info(
      handle === undefined ? 'check run finished' : `check run continues (${outcome.pending} pending)`,
      { counts: report.counts, published: report.published, pending: outcome.pending },
    );
    return result;
  };

  const once = deps.idempotency ? idempotentCheckRun(deps.idempotency, check, logger) : undefined;
  const invoke = async (input: CheckInput, context: LambdaContextLike): Promise<CheckResult> => {
    logger.appendKeys(checkScope(input));
    if (once === undefined) return check(input, context);
    const key = checkRunKey(input);
    if (key === undefined) {
      logger.warn(
        'a scheduled invocation without scheduledTime (a manual invoke?) runs without idempotency: a duplicate of it runs again',
      );
      return check(input, context);
    }
    return once(key, input, context);
  };

  const handler = middy<CheckInput, CheckResult, Error, LambdaContextLike>(invoke)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: checkInputSchema }))
    .use({
      onError: (request) => {
        // Parser's error says only that the input did not parse: the issues (field and problem) are its cause.
        const issues = request.error instanceof ParseError ? describeIssues(request.error.cause) : undefined;
        if (issues !== undefined) {
          request.error = new CheckInputError(`the check function's input is not valid: ${issues}`, {
            cause: request.error,
          });
        }
        logger.error('check invocation failed', {
          reason: request.error instanceof Error ? request.error.message : String(request.error),
        });
      },
    });
  return (event, context) => handler(event as CheckInput, context);
}

async function writeHeartbeat(sinks: readonly MetricsSink[], at: Date, logger: Logger): Promise<void> {
  for (const sink of sinks) {
    try {
      await sink.write([heartbeatPoint(AWS_HEARTBEAT_RUNNER, at)]);
    } catch (error) {
      logger.error('a metrics sink failed', {
        sink: sink.name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Publishes the points the sinks hold; a failing sink is logged, never fatal (the state is saved). */
async function flushSinks(sinks: readonly MetricsSink[], logger: Logger): Promise<void> {
  for (const sink of sinks) {
    try {
      await sink.flush();
    } catch (error) {
      logger.error('a metrics sink failed', {
        sink: sink.name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
