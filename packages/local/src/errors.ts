import { HealOpsError } from '@healops/core';

/** LocalExecutor was constructed with invalid options (negative or non-finite grace periods). */
export class LocalExecutorOptionsError extends HealOpsError {}

/** A secret reference could not be resolved here (variable unset, or a source only the AWS runtime reads). */
export class SecretUnavailableError extends HealOpsError {}
