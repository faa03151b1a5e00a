import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { HealOpsProps } from '../../src/healops.js';
import type { HealOpsArtifacts } from '../../src/healops-artifacts.js';
import { buildHealOpsArtifacts, type HealOpsArtifactsOptions } from '../../src/healops-artifacts.js';
import { HealOpsStack } from '../../src/healops-stack.js';

/** The repository root (cdk.json, catalog/, functions/). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Artifacts of a workspace; the functions are always bundled from this checkout. */
export function artifactsOf(options: HealOpsArtifactsOptions = {}): Promise<HealOpsArtifacts> {
  return buildHealOpsArtifacts({ root: REPO, sourceRoot: REPO, ...options });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: HealOpsStack;
  readonly template: Template;
}

/** The HealOps stack of `artifacts` in a fresh app, environment-agnostic, as `cdk synth` builds it offline. */
export function synthesize(
  artifacts: HealOpsArtifacts,
  props: Omit<HealOpsProps, 'artifacts'> = {},
  outdir?: string,
): Synthesized {
  const app = new App(outdir === undefined ? {} : { outdir });
  const stack = new HealOpsStack(app, 'HealOpsTest', { artifacts, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Writes files (path -> text) under a new temporary folder and returns it. */
export async function workspace(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'healops-infra-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text, { mode: 0o755 });
  }
  return root;
}

/** Every stack of the app: the stack and its nested stacks. */
export function allStacks(stack: Stack): Stack[] {
  return stack.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}
