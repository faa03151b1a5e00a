import { HealOpsError } from '@healops/core';

/**
 * SsmExecutor was asked something it cannot do whatever the host does: a package without a known SSM document, an
 * environment variable SSM documents cannot carry, an environment too large for the document's parameter room.
 * A failing host or SSM call is never this error: it is an ExecResult with `spawnError`.
 */
export class SsmExecutorError extends HealOpsError {}
