import { readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { HealOpsStack } from '../src/healops-stack.js';
import { cfnLint } from './support/cfn-lint.js';
import { artifactsOf } from './support/synth-healops.js';

async function templatesOf(build: (app: App) => void): Promise<string[]> {
  const outdir = await mkdtemp(join(tmpdir(), 'healops-cfn-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  return readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => join(outdir, f));
}

describe('cfn-lint', () => {
  it('finds no error in the synthesized templates, nested stacks and options included', async () => {
    const artifacts = await artifactsOf();
    const templates = await templatesOf((app) => {
      new HealOpsStack(app, 'HealOpsLint', { artifacts });
      new HealOpsStack(app, 'HealOpsLintNested', {
        artifacts: {
          ...artifacts,
          bundle: {
            ...artifacts.bundle,
            tickets: [{ type: 'pagerduty', routingKey: 'ssm:/healops/pd' }],
            metrics: [
              { type: 'influx', url: 'https://influx.example.com/write', token: 'ssm:/healops/influx' },
            ],
          },
        },
        documentsInNestedStack: true,
        timestream: {},
      });
    });
    expect(templates.length).toBeGreaterThanOrEqual(3);
    const matches = await cfnLint(templates);
    expect(matches.filter((m) => m.Level === 'Error')).toEqual([]);
  }, 180_000);

  it('reports an error that is there (the lint is live, not vacuous)', async () => {
    const artifacts = await artifactsOf();
    const templates = await templatesOf((app) => {
      const stack = new HealOpsStack(app, 'HealOpsLintControl', { artifacts });
      const fn = stack.healops.functions.check.function.node.defaultChild as lambda.CfnFunction;
      fn.addPropertyOverride('MemorySize', 1);
    });
    const errors = (await cfnLint(templates)).filter((m) => m.Level === 'Error');
    expect(errors.map((e) => e.Rule.Id)).toContain('E3034');
  }, 120_000);
});
