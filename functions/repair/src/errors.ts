import { HealOpsError } from '@healops/core';

/** The deployment bundle cannot be read or is not one this function understands. */
export class BundleError extends HealOpsError {}

/** The incoming event is not a `HealOps Check Failed` event this function can act on. */
export class RepairEventError extends HealOpsError {}
