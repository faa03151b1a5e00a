import { HealOpsError } from '@healops/core';

export { BundleError } from '../../shared/src/errors.js';

/** The incoming event is not a `HealOps Check Failed` event this function can act on. */
export class RepairEventError extends HealOpsError {}
