export { AwsSecretResolver, type AwsSecretResolverOptions } from './aws-secret-resolver.js';
export {
  CLOUDWATCH_TICKET_IMAGE_DEFAULTS,
  CloudWatchTicketImages,
  type CloudWatchTicketImagesOptions,
} from './cloudwatch-ticket-images.js';
export { DynamoStore, type DynamoStoreOptions } from './dynamo/dynamo-store.js';
export { createDynamoClient } from './dynamo/dynamo-table.js';
export { DynamoTicketOutbox } from './dynamo/dynamo-ticket-outbox.js';
export { DYNAMO_KEYS, DYNAMO_TABLE_SCHEMA, dynamoCreateTableInput } from './dynamo/table-schema.js';
export { AwsAdapterError, DynamoStoreError, SecretUnavailableError, SsmRunnerError } from './errors.js';
export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher.js';
export {
  POWERTOOLS_EMF_DEFAULT_DIMENSIONS,
  POWERTOOLS_EMF_LIMITS,
  PowertoolsEmfSink,
  type PowertoolsEmfSinkOptions,
} from './powertools-emf-sink.js';
export { createSsmClient, type SsmClientOptions } from './ssm/ssm-client.js';
export { type SsmDocumentRef, SsmExecutor, type SsmExecutorOptions } from './ssm/ssm-executor.js';
export { SsmExecutorError } from './ssm/ssm-executor-error.js';
export {
  executionTimeoutSeconds,
  SsmFleetExecutor,
  type SsmFleetExecutorOptions,
} from './ssm/ssm-fleet-executor.js';
export { fitJobParameters } from './ssm/ssm-job-parameters.js';
export {
  type CollectResult,
  type FinishedInvocation,
  type SentCommand,
  type SsmBlastRadius,
  type SsmJob,
  SsmRunner,
  type SsmRunnerOptions,
} from './ssm/ssm-runner.js';
export {
  keyFromOutputUrl,
  readSsmOutput,
  type SsmOutputBucket,
  type SsmOutputLocation,
  type SsmOutputRead,
  type SsmStream,
  ssmOutputKey,
} from './ssm/ssm-s3-output.js';
export { isTerminalStatus, SSM_TERMINAL_STATUSES, type SsmOutcome, ssmExecResult } from './ssm/ssm-status.js';
export { SSM_MAX_INSTANCE_IDS, type SsmTargets, sendTargets } from './ssm/ssm-targets.js';
export { TicketImageError } from './ticket-image-error.js';
export { TimestreamTransport, type TimestreamTransportOptions } from './timestream-transport.js';
