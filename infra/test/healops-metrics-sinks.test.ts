import { join } from 'node:path';
import type { DeployedSinkConfig } from '@healops/core';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeploymentBundle } from '../src/deployment-bundle.js';
import { DeploymentConfigError } from '../src/errors.js';
import type { HealOpsProps } from '../src/healops.js';
import type { HealOpsArtifacts } from '../src/healops-artifacts.js';
import { artifactsOf, REPO, synthesize, workspace } from './support/synth-healops.js';

// The config's `metrics:` in the deployment: the remote sinks travel in the bundle (secrets as references), the
// functions that write (check, repair) are granted what those sinks need and nothing else is, and the optional
// Timestream table of the construct becomes a sink of its own unless the config names one.

const DEMO = `  - ${join(REPO, 'catalog', 'demo')}\n`;

let artifacts: HealOpsArtifacts;

beforeAll(async () => {
  artifacts = await artifactsOf();
});

function withSinks(metrics: readonly DeployedSinkConfig[], props: Omit<HealOpsProps, 'artifacts'> = {}) {
  return synthesize({ ...artifacts, bundle: { ...artifacts.bundle, metrics } }, props);
}

/** The role policy of one function, as JSON text. */
function policyOf(template: Template, fn: 'check' | 'repair' | 'notify'): string {
  const found = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) =>
    id.includes(`${fn}Role`),
  );
  return JSON.stringify(found?.[1] ?? null);
}

function variablesOf(template: Template, service: string): Record<string, unknown> {
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
    (r) => r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service,
  );
  return fn?.Properties?.Environment?.Variables ?? {};
}

describe('the metrics sinks in the deployment bundle', () => {
  it('carries the remote sinks with their secret references, not sqlite or emf', async () => {
    const root = await workspace({
      'healops.config.yaml': `packages:\n${DEMO}metrics:
  - type: sqlite
  - type: emf
    dimensions: lean
  - type: influx
    url: https://influx.example.com:8086/api/v2/write?bucket=healops&org=ops
    token: secretsmanager:healops/influx-token
  - type: opentsdb
    name: tsdb
    url: http://tsdb.example.com:4242
  - type: timestream
    database: ops
    table: healops
    region: eu-west-1
`,
    });
    const built = await buildDeploymentBundle({ root });
    expect(built.bundle.metrics).toEqual([
      {
        type: 'influx',
        url: 'https://influx.example.com:8086/api/v2/write?bucket=healops&org=ops',
        token: 'secretsmanager:healops/influx-token',
      },
      { type: 'opentsdb', name: 'tsdb', url: 'http://tsdb.example.com:4242' },
      { type: 'timestream', database: 'ops', table: 'healops', region: 'eu-west-1' },
    ]);
  });

  it('has no metrics when the config names only local sinks', async () => {
    const root = await workspace({
      'healops.config.yaml': `packages:\n${DEMO}metrics:\n  - type: sqlite\n  - type: emf\n`,
    });
    expect((await buildDeploymentBundle({ root })).bundle).not.toHaveProperty('metrics');
  });
});

describe('grants for the metrics sinks', () => {
  it('lets check and repair read the sink secrets; notify gets none of them', () => {
    const { template } = withSinks([
      {
        type: 'influx',
        url: 'https://influx.example.com/write',
        token: 'secretsmanager:healops/influx-token',
      },
      {
        type: 'influx',
        name: 'vm',
        url: 'https://vm.example.com/write',
        username: 'healops',
        password: 'ssm:/healops/vm-password',
      },
    ]);
    for (const fn of ['check', 'repair'] as const) {
      const policy = policyOf(template, fn);
      expect(policy).toContain(':secret:healops/influx-token-??????"');
      expect(policy).toContain(':parameter/healops/vm-password"');
    }
    expect(policyOf(template, 'notify')).not.toMatch(/influx-token|vm-password/);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/HEALOPS_INFLUX|"token"/);
  });

  it('refuses env: references in sinks, whose values would have to be written into the template', () => {
    const sinks: DeployedSinkConfig[] = [
      { type: 'influx', url: 'https://influx.example.com/write', token: 'env:INFLUX_TOKEN' },
    ];
    expect(() => withSinks(sinks)).toThrow(DeploymentConfigError);
    expect(() => withSinks(sinks)).toThrow(/metrics: env:INFLUX_TOKEN cannot be deployed/);
  });

  it('grants no Timestream action when no sink writes to Timestream', () => {
    const { template } = synthesize(artifacts);
    for (const fn of ['check', 'repair', 'notify'] as const)
      expect(policyOf(template, fn)).not.toContain('timestream:');
  });

  it('points check and repair at the table the timestream option creates, and lets them write only there', () => {
    const { template } = synthesize(artifacts, { timestream: {} });
    const [tableId] = Object.keys(template.findResources('AWS::Timestream::Table'));
    const [databaseId] = Object.keys(template.findResources('AWS::Timestream::Database'));
    for (const fn of ['check', 'repair'] as const) {
      expect(variablesOf(template, `healops-${fn}`)).toMatchObject({
        HEALOPS_TIMESTREAM_DATABASE: { Ref: databaseId },
        HEALOPS_TIMESTREAM_TABLE: { 'Fn::GetAtt': [tableId, 'Name'] },
      });
    }
    expect(variablesOf(template, 'healops-notify')).not.toHaveProperty('HEALOPS_TIMESTREAM_TABLE');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^HealOpscheckRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'timestream:WriteRecords',
            Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
          }),
          Match.objectLike({ Action: 'timestream:DescribeEndpoints', Resource: '*' }),
        ]),
      },
    });
    expect(policyOf(template, 'notify')).not.toContain('timestream:');
  });

  it('writes to the config timestream table instead of the created one, and warns that the latter stays empty', () => {
    const { template, stack } = withSinks([{ type: 'timestream', database: 'ops', table: 'healops' }], {
      timestream: {},
    });
    expect(variablesOf(template, 'healops-check')).not.toHaveProperty('HEALOPS_TIMESTREAM_TABLE');
    const policy = policyOf(template, 'repair');
    expect(policy).toContain(':database/ops/table/healops"');
    expect(policy).not.toMatch(/Timestream[A-Za-z0-9]*Table[A-Za-z0-9]*","Arn"/);
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp('the table of the timestream option stays empty'),
    );
  });
});
