import { HealOpsError } from '@healops/core';

/** The deployment bundle cannot be read or is not one this function understands. */
export class BundleError extends HealOpsError {}
