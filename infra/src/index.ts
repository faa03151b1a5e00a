export {
  CheckSchedules,
  type CheckSchedulesProps,
  DRAIN_INPUT,
  scheduleName,
  schedulerTiming,
} from './check-schedules.js';
export {
  CommandDocuments,
  type CommandDocumentsProps,
  DOCUMENT_BYTES_PER_STACK,
  DOCUMENTS_PER_STACK,
  packDocuments,
} from './command-documents.js';
export {
  type BuiltDeployment,
  buildDeploymentBundle,
  DEFAULT_DOCUMENT_PREFIX,
  DEFAULT_HEALOPS_TAG,
  DEPLOYED_DOCUMENT_VERSION,
  type DeploymentBundleOptions,
  deployedTargets,
  type HealOpsTag,
} from './deployment-bundle.js';
export { DeploymentConfigError, LambdaBuildError } from './errors.js';
export {
  EventRouting,
  type EventRoutingProps,
  NOTIFY_MAX_CONCURRENCY,
  TICKET_MAX_RECEIVES,
} from './event-routing.js';
export { type FunctionSizing, HEALOPS_DEFAULTS, HealOps, type HealOpsProps } from './healops.js';
export { AWS_HEARTBEAT_RUNNER, HealOpsAlarms, type HealOpsAlarmsProps } from './healops-alarms.js';
export {
  buildHealOpsArtifacts,
  type HealOpsArtifacts,
  type HealOpsArtifactsOptions,
} from './healops-artifacts.js';
export { HealOpsDashboards, type HealOpsDashboardsProps } from './healops-dashboards.js';
export { FUNCTION_DEFAULTS, HealOpsFunction, type HealOpsFunctionProps } from './healops-function.js';
export {
  grantCommandStatus,
  grantSendCommand,
  grantSinkSecrets,
  grantTicketSecrets,
  grantTimestreamWrite,
  sinkSecretRefs,
  type TimestreamTableRef,
  ticketSecretRefs,
} from './healops-grants.js';
export { HealOpsStack, type HealOpsStackProps } from './healops-stack.js';
export { BUNDLE_FILE, buildHandlers, HANDLER, HANDLERS, type HandlerName } from './lambda-build.js';
export { acknowledgeNagFindings } from './nag-acknowledgments.js';
export { OutputBucket, type OutputBucketProps } from './output-bucket.js';
export {
  IDEMPOTENCY_TABLE,
  IDEMPOTENCY_TABLE_ACTIONS,
  STATE_TABLE_ACTIONS,
  StateTables,
  type StateTablesProps,
} from './state-tables.js';
export { TimestreamStore, type TimestreamStoreProps } from './timestream-store.js';
