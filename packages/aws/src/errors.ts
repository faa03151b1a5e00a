import { HealOpsError } from '@healops/core';

/** An AWS call failed in a way HealOps cannot recover from here. */
export class AwsAdapterError extends HealOpsError {}

/**
 * A secret reference could not be resolved (unset variable, missing parameter or secret, no access). The message
 * names the reference, never a value.
 */
export class SecretUnavailableError extends HealOpsError {}

/** An SSM Run Command call failed (after the client's own retries). */
export class SsmRunnerError extends HealOpsError {}

/**
 * A DynamoStore operation failed: the message names the operation and the table (and the SDK error's name), never
 * an item's content. Version conflicts are StateConflictError instead.
 */
export class DynamoStoreError extends HealOpsError {}
