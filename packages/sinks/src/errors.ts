import { HealOpsError } from '@healops/core';

/** A sink could not be built from its configuration (a missing secret, an unusable path). */
export class SinkConfigError extends HealOpsError {}
