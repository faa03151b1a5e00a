import { HealOpsError } from '@healops/core';

/** An AWS call failed in a way HealOps cannot recover from here. */
export class AwsAdapterError extends HealOpsError {}
