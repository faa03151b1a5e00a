export { NotifyConfigError, NotifyRecordError } from './errors.js';
export type { LambdaContextLike } from './lambda-context.js';
export { type NotifyBundle, parseNotifyBundle, readNotifyBundle } from './notify-bundle.js';
export { NOTIFY_DEFAULTS, type NotifyDeps, type NotifyStore } from './notify-deps.js';
export { NOTIFY_ENV, type NotifyEnv, notifyDepsFromEnv } from './notify-env.js';
export {
  createNotifyHandler,
  type DrainResult,
  type NotifyHandler,
  type NotifyResult,
  type SqsBatchResult,
} from './notify-handler.js';
export {
  drainInputSchema,
  NOTIFY_DETAIL_TYPES,
  type NotifyInput,
  type NotifyMessage,
  notifyInputSchema,
  parseNotifyMessage,
} from './notify-input.js';
export { NOTIFY_METRIC } from './notify-metrics.js';
export type { BatchItemFailure } from './notify-records.js';
