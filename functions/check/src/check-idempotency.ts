import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaContextLike } from '../../notify/src/lambda-context.js';
import type { IdempotencyStore } from '../../shared/src/idempotency-store.js';
import { type CheckInput, checkScope, isScheduledCheck } from './check-input.js';
import type { CheckResult, CheckRunResult } from './check-result.js';

// EventBridge Scheduler and EventBridge rules deliver at least once: a duplicate invocation must not run a package's
// checks again (that would count each failure twice towards failAfter and send every SSM command twice). Powertools
// Idempotency (DynamoDB, the table the repair function uses) keys each run step on what a duplicate repeats exactly.

export const CHECK_IDEMPOTENCY_DEFAULTS = {
  /**
   * How long a finished run answers its duplicates: Scheduler retries a failed delivery for up to 24 hours (its
   * retry policy's default MaximumEventAgeInSeconds), and so does an EventBridge rule target.
   */
  expiresAfterSeconds: 86_400,
} as const;

/** What identifies one step of a run: a schedule's invocation at its scheduled time, or one continuation of a run. */
export type CheckRunKey =
  | {
      readonly kind: 'scheduled';
      readonly package: string;
      readonly schedule: string;
      /** Normalised to UTC with milliseconds (toISOString), so two spellings of one instant are one key. */
      readonly scheduledTime: string;
    }
  | { readonly kind: 'continuation'; readonly correlationId: string; readonly continuation: number };

/**
 * The idempotency key of an invocation; undefined for a scheduled invocation without `scheduledTime` (a manual
 * invoke), which runs without idempotency. A continuation is keyed on its run's correlation id and number, which
 * stay the same when one continuation is put on the bus twice (the event id would not).
 */
export function checkRunKey(input: CheckInput): CheckRunKey | undefined {
  if (isScheduledCheck(input)) {
    if (input.scheduledTime === undefined) return undefined;
    return {
      kind: 'scheduled',
      package: input.package,
      schedule: input.schedule,
      scheduledTime: new Date(input.scheduledTime).toISOString(),
    };
  }
  return {
    kind: 'continuation',
    correlationId: input.detail.correlationId,
    continuation: input.detail.continuation,
  };
}

export type CheckRun = (input: CheckInput, context: LambdaContextLike) => Promise<CheckRunResult>;
export type IdempotentCheckRun = (
  key: CheckRunKey,
  input: CheckInput,
  context: LambdaContextLike,
) => Promise<CheckResult>;

/**
 * `run` made idempotent on the key it is given (Powertools makeIdempotent, records in `store`). A duplicate of a
 * finished run answers that run's stored result (and logs it); a duplicate of a run still in progress answers a
 * `skipped` result (and logs it) instead of throwing, which would make Lambda retry the asynchronous invocation. A
 * run that throws leaves no record: its retry runs. The in-progress record expires when the invocation's time does
 * (the Lambda context is registered with the config on every call), so a run killed by a timeout does not block
 * its retries.
 */
export function idempotentCheckRun(
  store: IdempotencyStore,
  run: CheckRun,
  logger: Logger,
): IdempotentCheckRun {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: store.expiresAfterSeconds ?? CHECK_IDEMPOTENCY_DEFAULTS.expiresAfterSeconds,
    responseHook: (response, record) => {
      logger.info('duplicate invocation: answered with the stored result of the run', {
        idempotencyKey: record.idempotencyKey,
      });
      return response;
    },
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: store.tableName,
    awsSdkV3Client: store.client,
  });
  // The key is the first argument, so it alone is hashed into the record's id.
  const once = makeIdempotent(
    (_key: CheckRunKey, input: CheckInput, context: LambdaContextLike) => run(input, context),
    { persistenceStore, config },
  );
  return async (key, input, context) => {
    // makeIdempotent registers the Lambda context only when it is the wrapped function's second argument (here the
    // input is): without it the in-progress record would have no expiry of its own. Registered synchronously
    // before the call, which reads the remaining time before its first await.
    config.registerLambdaContext(context);
    try {
      return await once(key, input, context);
    } catch (error) {
      if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
      const detail = 'the same run is in progress in another invocation';
      logger.warn(`duplicate invocation skipped: ${detail}`, { idempotencyKey: key });
      return { status: 'skipped', reason: 'duplicate-in-progress', detail, ...checkScope(input) };
    }
  };
}
