import type { HealOpsEvent } from './healops-event.js';

/**
 * Puts HealOps events on the HealOps event bus (EventBridge on AWS). Resolves once every event was accepted; rejects
 * with EventPublishError listing the events that were not (the others were published).
 */
export interface EventPublisher {
  publish(events: readonly HealOpsEvent[], signal?: AbortSignal): Promise<void>;
}
