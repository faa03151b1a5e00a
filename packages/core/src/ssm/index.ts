export { base64Decode, base64Encode } from './base64.js';
export {
  SSM_BASE64_PATTERN,
  SSM_DEFAULT_EXECUTION_TIMEOUT,
  SSM_DOCUMENT_MAX_BYTES,
  SSM_EXECUTION_TIMEOUT_PATTERN,
  SSM_LINUX_STEP,
  SSM_PARAMETER_RESERVE_BYTES,
  SSM_WINDOWS_STEP,
  type SsmCommandDocument,
  type SsmDocumentContent,
  type SsmDocumentInput,
  type SsmDocumentParameter,
  type SsmDocumentStep,
  ssmCommandDocument,
  ssmParameterRoom,
} from './command-document.js';
export { SsmDocumentError, SsmEnvError } from './errors.js';
export { decodeSsmJobEnv, SSM_ENV_NAME_PATTERN, ssmJobEnv, ssmStdin } from './job-env.js';
export {
  SSM_JOB_ID_PATTERN,
  SSM_JOB_KINDS,
  type SsmJob,
  type SsmJobKind,
  ssmJobId,
  ssmJobsOf,
  ssmScriptPaths,
} from './jobs.js';
export { shQuote, shWord, type TemplatePart, templateParts } from './sh-quote.js';
export { sha256Hex } from './sha256.js';
export type { SsmPackageFile } from './step-plan.js';
