import { HealOpsError } from '@healops/core';

/** Bad flags or arguments: exit code 2. */
export class UsageError extends HealOpsError {}

/** No package could be loaded, or the config file is invalid: exit code 2. */
export class WorkspaceError extends HealOpsError {}
