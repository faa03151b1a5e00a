import { HealOpsError } from '@healops/core';

/** LocalExecutor was constructed with invalid options (negative or non-finite grace periods). */
export class LocalExecutorOptionsError extends HealOpsError {}
