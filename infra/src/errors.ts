import { HealOpsError } from '@healops/core';

/** The deployment cannot be built from the workspace: broken packages, unusable settings, a secret it cannot grant. */
export class DeploymentConfigError extends HealOpsError {}

/** A Lambda handler did not bundle (esbuild reported errors). */
export class LambdaBuildError extends HealOpsError {}
