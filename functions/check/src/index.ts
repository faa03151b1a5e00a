export { type CheckEnv, checkDepsFromEnv } from './check-env.js';
export {
  CHECK_DEFAULTS,
  type CheckDeps,
  type CheckHandler,
  type CheckResult,
  createCheckHandler,
} from './check-handler.js';
export {
  CHECK_IDEMPOTENCY_DEFAULTS,
  type CheckRun,
  type CheckRunKey,
  checkRunKey,
  type IdempotentCheckRun,
  idempotentCheckRun,
} from './check-idempotency.js';
export {
  type CheckInput,
  checkContinueEnvelopeSchema,
  checkInputSchema,
  checkScope,
  describeIssues,
  isScheduledCheck,
  type ScheduledCheck,
  scheduledCheckSchema,
} from './check-input.js';
export {
  CHECK_SKIP_REASONS,
  type CheckRunResult,
  type CheckSkippedResult,
  type CheckSkipReason,
} from './check-result.js';
export { CheckEventError, CheckInputError } from './errors.js';
