import { HealOpsError } from '@healops/core';

/** The invocation names a package or schedule the deployment bundle does not have. */
export class CheckEventError extends HealOpsError {}

/** The invocation's input is neither a schedule's payload nor a `HealOps Check Continue` event; names the fields. */
export class CheckInputError extends HealOpsError {}
