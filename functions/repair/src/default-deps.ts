import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import {
  createDynamoClient,
  createSsmClient,
  DynamoStore,
  EventBridgePublisher,
  SsmExecutor,
} from '@healops/aws';
import { SystemClock } from '@healops/local';
import { DEFAULT_BUNDLE_PATH, readBundle, ssmDocumentOf } from '../../shared/src/bundle.js';
import { functionSinksFromEnv } from '../../shared/src/function-sinks.js';
import { ssmOutputFromEnv } from '../../shared/src/ssm-output.js';
import { BundleError } from './errors.js';
import type { RepairLambdaDeps } from './repair-lambda.js';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new BundleError(`the repair function needs ${name} in its environment`);
  return value;
}

/**
 * The repair function's clients from its environment: HEALOPS_TABLE_NAME (state, audit, outbox),
 * HEALOPS_IDEMPOTENCY_TABLE_NAME, HEALOPS_EVENT_BUS_NAME, HEALOPS_BUNDLE_PATH (default ./healops-bundle.json),
 * HEALOPS_OUTPUT_BUCKET (full command output beyond SSM's 24,000 characters), and optional endpoint overrides
 * HEALOPS_DYNAMODB_ENDPOINT, HEALOPS_SSM_ENDPOINT, HEALOPS_EVENTS_ENDPOINT, HEALOPS_S3_ENDPOINT. Repair metrics go
 * out as EMF (POWERTOOLS_METRICS_NAMESPACE, HEALOPS_EMF_DIMENSIONS) and to the bundle's remote metrics sinks
 * (functionSinksFromEnv).
 */
export function repairDepsFromEnv(env: NodeJS.ProcessEnv = process.env): RepairLambdaDeps {
  const bundle = readBundle(env.HEALOPS_BUNDLE_PATH || DEFAULT_BUNDLE_PATH);
  const region = env.AWS_REGION;
  const dynamo = createDynamoClient({
    ...(region ? { region } : {}),
    ...(env.HEALOPS_DYNAMODB_ENDPOINT ? { endpoint: env.HEALOPS_DYNAMODB_ENDPOINT } : {}),
  });
  const documents = new Map(bundle.packages.map((p) => [p.name, ssmDocumentOf(p)] as const));
  const serviceName = env.POWERTOOLS_SERVICE_NAME || 'healops-repair';
  const logger = new Logger({ serviceName, correlationIdSearchFn: search });
  return {
    bundle,
    store: new DynamoStore({ tableName: required(env, 'HEALOPS_TABLE_NAME'), client: dynamo }),
    executor: new SsmExecutor({
      client: createSsmClient({
        ...(region ? { region } : {}),
        ...(env.HEALOPS_SSM_ENDPOINT ? { endpoint: env.HEALOPS_SSM_ENDPOINT } : {}),
      }),
      documents: (name) => documents.get(name),
      clock: new SystemClock(),
      ...ssmOutputFromEnv(env, region, logger),
    }),
    publisher: new EventBridgePublisher({
      eventBusName: required(env, 'HEALOPS_EVENT_BUS_NAME'),
      ...(region ? { region } : {}),
      ...(env.HEALOPS_EVENTS_ENDPOINT ? { endpoint: env.HEALOPS_EVENTS_ENDPOINT } : {}),
    }),
    clock: new SystemClock(),
    logger,
    sinks: functionSinksFromEnv(bundle, env, serviceName, logger),
    idempotency: { tableName: required(env, 'HEALOPS_IDEMPOTENCY_TABLE_NAME'), client: dynamo },
  };
}
