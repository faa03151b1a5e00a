export { EnvSecretResolver } from './env-secret-resolver.js';
export { LocalExecutorOptionsError, SecretUnavailableError } from './errors.js';
export { buildExecEnv, DEFAULT_PATH, INHERITED_ENV_KEYS } from './exec-env.js';
export {
  DEFAULT_DRAIN_GRACE_MS,
  DEFAULT_KILL_GRACE_MS,
  LocalExecutor,
  type LocalExecutorOptions,
} from './local-executor.js';
export { NodePackageFiles } from './node-package-files.js';
export { type DecodedOutput, decodeOutput, OutputCapture, utf8SafeEnd } from './output-capture.js';
export { SystemClock } from './system-clock.js';
