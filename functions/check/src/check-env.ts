import { Logger } from '@aws-lambda-powertools/logger';
import {
  createDynamoClient,
  createSsmClient,
  DynamoStore,
  EventBridgePublisher,
  SsmExecutor,
  SsmFleetExecutor,
  SsmRunner,
} from '@healops/aws';
import { SystemClock } from '@healops/local';
import { DEFAULT_BUNDLE_PATH, readBundle, ssmDocumentOf } from '../../shared/src/bundle.js';
import { BundleError } from '../../shared/src/errors.js';
import { functionSinksFromEnv } from '../../shared/src/function-sinks.js';
import { ssmOutputFromEnv } from '../../shared/src/ssm-output.js';
import type { CheckDeps } from './check-handler.js';

export type CheckEnv = Readonly<Record<string, string | undefined>>;

const DEFAULT_SERVICE = 'healops-check';

function required(env: CheckEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new BundleError(`the check function needs ${name} in its environment`);
  return value;
}

/**
 * The check function's dependencies from its environment: HEALOPS_TABLE_NAME (state, audit, outbox),
 * HEALOPS_EVENT_BUS_NAME, HEALOPS_IDEMPOTENCY_TABLE_NAME (optional: without it a duplicate invocation runs the
 * checks again, and a warning says so at init), HEALOPS_BUNDLE_PATH (default ./healops-bundle.json), optional
 * HEALOPS_OUTPUT_BUCKET (full command output beyond SSM's 24,000 characters), endpoint overrides
 * HEALOPS_DYNAMODB_ENDPOINT, HEALOPS_SSM_ENDPOINT, HEALOPS_EVENTS_ENDPOINT, HEALOPS_S3_ENDPOINT, and
 * POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME / HEALOPS_EMF_DIMENSIONS for the EMF points, and the
 * bundle's remote metrics sinks (plus HEALOPS_TIMESTREAM_DATABASE / _TABLE: functionSinksFromEnv). The SDK reads
 * AWS_REGION and the credentials itself.
 */
export function checkDepsFromEnv(env: CheckEnv = process.env): CheckDeps {
  const bundle = readBundle(env.HEALOPS_BUNDLE_PATH || DEFAULT_BUNDLE_PATH);
  const tableName = required(env, 'HEALOPS_TABLE_NAME');
  const eventBusName = required(env, 'HEALOPS_EVENT_BUS_NAME');
  const region = env.AWS_REGION ? { region: env.AWS_REGION } : {};
  const clock = new SystemClock();
  const ssm = createSsmClient({
    ...region,
    ...(env.HEALOPS_SSM_ENDPOINT ? { endpoint: env.HEALOPS_SSM_ENDPOINT } : {}),
  });
  const documents = new Map(bundle.packages.map((p) => [p.name, ssmDocumentOf(p)] as const));
  const serviceName = env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE;
  const logger = new Logger({ serviceName });
  const ssmOutput = ssmOutputFromEnv(env, env.AWS_REGION, logger);
  const dynamo = createDynamoClient({
    ...region,
    ...(env.HEALOPS_DYNAMODB_ENDPOINT ? { endpoint: env.HEALOPS_DYNAMODB_ENDPOINT } : {}),
  });
  const idempotencyTable = env.HEALOPS_IDEMPOTENCY_TABLE_NAME;
  if (!idempotencyTable) {
    logger.warn(
      'HEALOPS_IDEMPOTENCY_TABLE_NAME is not set: a duplicate invocation (Scheduler delivers at least once) runs the checks again',
    );
  }
  return {
    bundle,
    store: new DynamoStore({ tableName, client: dynamo }),
    ...(idempotencyTable ? { idempotency: { tableName: idempotencyTable, client: dynamo } } : {}),
    fleet: new SsmFleetExecutor(new SsmRunner(ssm, ssmOutput)),
    executor: new SsmExecutor({ client: ssm, documents: (name) => documents.get(name), clock, ...ssmOutput }),
    publisher: new EventBridgePublisher({
      eventBusName,
      ...region,
      ...(env.HEALOPS_EVENTS_ENDPOINT ? { endpoint: env.HEALOPS_EVENTS_ENDPOINT } : {}),
    }),
    clock,
    logger,
    sinks: functionSinksFromEnv(bundle, env, serviceName, logger),
  };
}
