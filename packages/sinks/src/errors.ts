import { HealOpsError } from '@healops/core';

/** A sink could not be built from its configuration (a missing secret, an unusable path). */
export class SinkConfigError extends HealOpsError {}

/** A ticket route cannot be set up from its configuration (a missing secret, an unusable URL). */
export class TicketConfigError extends HealOpsError {}
