import { HealOpsError } from '@healops/core';

/** The notify function cannot start: its bundle or environment is missing or invalid. */
export class NotifyConfigError extends HealOpsError {}

/** One queued message is not a notification the function handles (bad JSON, unknown or invalid event). */
export class NotifyRecordError extends HealOpsError {}
