import { readFileSync } from 'node:fs';
import type { SsmDocumentRef } from '@healops/aws';
import { BUNDLE_VERSION, type BundlePackage, type DeploymentBundle, type ResolvedCheck } from '@healops/core';
import { BundleError } from './errors.js';

/** Where the bundle is when HEALOPS_BUNDLE_PATH is unset: next to the handler. */
export const DEFAULT_BUNDLE_PATH = './healops-bundle.json';

/** Reads the deployment bundle (JSON) the stack ships with the function. Throws BundleError. */
export function readBundle(path: string): DeploymentBundle {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BundleError(`cannot read the HealOps bundle ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`the HealOps bundle ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidate = bundle as Partial<DeploymentBundle> | null;
  if (candidate === null || typeof candidate !== 'object' || candidate.version !== BUNDLE_VERSION) {
    throw new BundleError(`the HealOps bundle ${path} is not a version ${BUNDLE_VERSION} bundle`);
  }
  if (!Array.isArray(candidate.packages))
    throw new BundleError(`the HealOps bundle ${path} lists no packages`);
  return candidate as DeploymentBundle;
}

/** A check of the bundle and its package, by names; undefined when the deployment does not have it. */
export function bundleCheck(
  bundle: DeploymentBundle,
  packageName: string,
  checkName: string,
): { readonly pkg: BundlePackage; readonly check: ResolvedCheck } | undefined {
  const pkg = bundle.packages.find((p) => p.name === packageName);
  const check = pkg?.checks.find((c) => c.name === checkName && c.kind === 'check');
  return pkg === undefined || check === undefined ? undefined : { pkg, check };
}

/** The SSM document a package's repairs and re-checks are sent with: its name, and the version the stack pinned. */
export function ssmDocumentOf(pkg: BundlePackage): SsmDocumentRef {
  return {
    documentName: pkg.document.name,
    ...(pkg.document.documentVersion ? { documentVersion: pkg.document.documentVersion } : {}),
  };
}
