import { HealOpsError } from '@healops/core';

/** The deployment bundle cannot be read or is not one this function understands. */
export class BundleError extends HealOpsError {}

/** A function's environment holds a value it cannot use (the message names the variable). */
export class FunctionEnvError extends HealOpsError {}
