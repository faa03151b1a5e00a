import { HealOpsError } from '../errors.js';

/**
 * A HealOps event detail is not what its detail-type promises (or the detail-type is not a HealOps one). The message
 * names the detail-type and every bad field by path, with at most a short excerpt of the value found.
 */
export class HealOpsEventError extends HealOpsError {}

/** One event EventBridge did not accept, as an EventPublishError reports it (never with its detail). */
export interface FailedEventEntry {
  readonly detailType: string;
  readonly dedupKey: string;
  /** EventBridge's ErrorCode for the entry, or the name of the error that failed the whole call. */
  readonly errorCode: string;
}

/**
 * Some events could not be published. `failed` lists them (detail-type, dedup key, error code); the events not
 * listed were published. Messages never carry an event's detail.
 */
export class EventPublishError extends HealOpsError {
  readonly failed: readonly FailedEventEntry[];
  constructor(message: string, failed: readonly FailedEventEntry[], options?: { cause?: unknown }) {
    super(message, options);
    this.failed = failed;
  }
}
