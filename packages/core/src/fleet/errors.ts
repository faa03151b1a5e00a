import { HealOpsError } from '../errors.js';

/** A fleet result names a check the package does not have, or belongs to another package. */
export class FleetResultError extends HealOpsError {}

/** A result already recorded (a continuation or a retried invocation handed it out again): it is skipped. */
export class FleetResultReplayedError extends HealOpsError {}
