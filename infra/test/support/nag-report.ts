import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';

export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
    }>;
  }>;
}

/**
 * Synthesizes what `build` adds to a fresh app with cdk-nag's AwsSolutions pack as a validation plugin, and returns
 * every unacknowledged finding (rule and construct path) from the validation report.
 */
export async function awsSolutionsFindings(build: (app: App) => void): Promise<NagFinding[]> {
  const outdir = await mkdtemp(join(tmpdir(), 'healops-nag-'));
  const app = new App({ outdir });
  build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let failure: unknown;
  try {
    app.synth();
  } catch (error) {
    failure = error;
  }
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) throw failure ?? new Error('cdk-nag wrote no validation report');
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath })),
    ),
  );
}

export function pathOf(construct: Construct): string {
  return construct.node.path;
}
