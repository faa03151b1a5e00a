import { HealOpsError } from '../errors.js';

/** A threshold range or a perfdata value could not be parsed. */
export class PerfdataError extends HealOpsError {}
