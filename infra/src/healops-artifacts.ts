import { resolve } from 'node:path';
import {
  type BuiltDeployment,
  buildDeploymentBundle,
  type DeploymentBundleOptions,
} from './deployment-bundle.js';
import { buildHandlers, functionAsset, HANDLERS, type HandlerName } from './lambda-build.js';

/** Everything the HealOps construct deploys that has to be built first (asynchronously): bundle, documents, code. */
export interface HealOpsArtifacts extends BuiltDeployment {
  /** Asset folder of each function: handler bundle, source map and healops-bundle.json. */
  readonly assets: Readonly<Record<HandlerName, string>>;
}

export interface HealOpsArtifactsOptions extends DeploymentBundleOptions {
  /** The HealOps checkout whose functions/ are bundled (default: `root`, else the working directory). */
  readonly sourceRoot?: string;
}

/**
 * Loads the workspace, builds the deployment bundle and SSM documents, and bundles the three handlers with the
 * bundle beside each. Call it before `new HealOps(...)`: CDK constructs cannot wait for esbuild.
 */
export async function buildHealOpsArtifacts(
  options: HealOpsArtifactsOptions = {},
): Promise<HealOpsArtifacts> {
  const sourceRoot = resolve(options.sourceRoot ?? options.root ?? process.cwd());
  const [deployment, code] = await Promise.all([buildDeploymentBundle(options), buildHandlers(sourceRoot)]);
  const entries = await Promise.all(
    HANDLERS.map(
      async (name) => [name, await functionAsset(sourceRoot, code[name], name, deployment.bundle)] as const,
    ),
  );
  const assets = Object.fromEntries(entries) as Record<HandlerName, string>;
  return { ...deployment, assets };
}
