import { HealOpsError } from '../errors.js';

/** A package cannot be turned into an SSM Command document (too large, unusable job or file). */
export class SsmDocumentError extends HealOpsError {}

/** A job environment cannot be sent through the document's `env` parameter (a name outside HEALOPS_*). */
export class SsmEnvError extends HealOpsError {}
