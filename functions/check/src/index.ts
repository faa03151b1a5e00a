export { type CheckEnv, checkDepsFromEnv } from './check-env.js';
export {
  CHECK_DEFAULTS,
  type CheckDeps,
  type CheckHandler,
  type CheckResult,
  createCheckHandler,
} from './check-handler.js';
export {
  type CheckInput,
  checkContinueEnvelopeSchema,
  checkInputSchema,
  isScheduledCheck,
  type ScheduledCheck,
  scheduledCheckSchema,
} from './check-input.js';
export { CheckEventError } from './errors.js';
