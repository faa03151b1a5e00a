import { HealOpsError } from '@healops/core';

/** An AWS call failed in a way HealOps cannot recover from here. */
export class AwsAdapterError extends HealOpsError {}

/**
 * A secret reference could not be resolved (unset variable, missing parameter or secret, no access). The message
 * names the reference, never a value.
 */
export class SecretUnavailableError extends HealOpsError {}
