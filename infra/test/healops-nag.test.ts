import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealOpsArtifacts } from '../src/healops-artifacts.js';
import { HealOpsStack } from '../src/healops-stack.js';
import { awsSolutionsFindings } from './support/nag-report.js';
import { artifactsOf } from './support/synth-healops.js';

let artifacts: HealOpsArtifacts;

beforeAll(async () => {
  artifacts = await artifactsOf();
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the HealOps stack', async () => {
    const findings = await awsSolutionsFindings((app) => {
      new HealOpsStack(app, 'HealOpsNag', { artifacts });
    });
    expect(findings).toEqual([]);
  });

  it('finds nothing unacknowledged with nested documents, ticket and sink secrets, and Timestream', async () => {
    const findings = await awsSolutionsFindings((app) => {
      new HealOpsStack(app, 'HealOpsNagNested', {
        artifacts: {
          ...artifacts,
          bundle: {
            ...artifacts.bundle,
            tickets: [{ type: 'webhook', url: 'https://hooks.example.com/h', secret: 'secretsmanager:hook' }],
            metrics: [
              { type: 'influx', url: 'https://influx.example.com/write', token: 'secretsmanager:influx' },
              { type: 'opentsdb', url: 'http://tsdb.example.com:4242' },
            ],
          },
        },
        documentsInNestedStack: true,
        timestream: {},
      });
    });
    expect(findings).toEqual([]);
  });

  it('finds nothing unacknowledged when the config names the Timestream table', async () => {
    const findings = await awsSolutionsFindings((app) => {
      new HealOpsStack(app, 'HealOpsNagTimestream', {
        artifacts: {
          ...artifacts,
          bundle: {
            ...artifacts.bundle,
            metrics: [{ type: 'timestream', database: 'ops', table: 'healops' }],
          },
        },
      });
    });
    expect(findings).toEqual([]);
  });

  it('reports a wildcard nobody acknowledged (the check is live, not vacuous)', async () => {
    const findings = await awsSolutionsFindings((app) => {
      const stack = new HealOpsStack(app, 'HealOpsNagControl', { artifacts });
      stack.healops.functions.check.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ssm:DescribeDocument'],
          resources: ['arn:aws:ssm:*:*:document/*'],
        }),
      );
    });
    expect(findings).toEqual([
      {
        rule: 'AwsSolutions-IAM5[Resource::arn:aws:ssm:*:*:document/*]',
        path: 'HealOpsNagControl/HealOps/check/Role/DefaultPolicy/Resource',
      },
    ]);
  });
});
