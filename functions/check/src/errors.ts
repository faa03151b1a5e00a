import { HealOpsError } from '@healops/core';

/** The invocation names a package or schedule the deployment bundle does not have. */
export class CheckEventError extends HealOpsError {}
