import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import middy from '@middy/core';
import type { IdempotencyStore } from '../../shared/src/idempotency-store.js';
import {
  createRepairHandler,
  type EventBridgeEnvelope,
  type LambdaContext,
  type RepairDeps,
  type RepairResult,
} from './repair-handler.js';

export type { IdempotencyStore } from '../../shared/src/idempotency-store.js';

export interface RepairLambdaDeps extends RepairDeps {
  readonly idempotency: IdempotencyStore;
}

/** The JMESPath of the idempotency key in a Check Failed event: one failure, one repair step. */
export const REPAIR_IDEMPOTENCY_KEY_PATH = 'detail.idempotencyKey';

/**
 * The repair Lambda: Logger context (correlation ids), the EventBridge envelope checked by Parser, Idempotency on
 * the event's idempotencyKey (a redelivered event answers the first step's result instead of repairing again),
 * then createRepairHandler.
 */
export function buildRepairLambda(deps: RepairLambdaDeps) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: REPAIR_IDEMPOTENCY_KEY_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: deps.idempotency.expiresAfterSeconds ?? 3_600,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.idempotency.tableName,
    awsSdkV3Client: deps.idempotency.client,
  });
  const repair = createRepairHandler(deps);
  return middy(
    async (event: EventBridgeEnvelope, context: LambdaContext): Promise<RepairResult> =>
      repair(event, context),
  )
    .use(injectLambdaContext(deps.logger, { correlationIdPath: 'detail.correlationId', resetKeys: true }))
    .use(parser({ schema: EventBridgeSchema }))
    .use(makeHandlerIdempotent({ persistenceStore, config }));
}
