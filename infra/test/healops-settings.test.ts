import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { scheduleName, schedulerTiming } from '../src/check-schedules.js';
import { DeploymentConfigError } from '../src/errors.js';
import { artifactsOf, REPO, synthesize, workspace } from './support/synth-healops.js';

const DEMO = `  - ${join(REPO, 'catalog', 'demo')}\n`;

async function withTickets(tickets: string) {
  const root = await workspace({ 'healops.config.yaml': `packages:\n${DEMO}tickets:\n${tickets}` });
  return artifactsOf({ root, config: 'healops.config.yaml' });
}

describe('schedulerTiming', () => {
  it.each([
    { expression: 'rate(1 minute)', flex: 0, age: 60 },
    { expression: 'rate(5 minutes)', flex: 0, age: 300 },
    { expression: 'rate(10 minutes)', flex: 1, age: 600 },
    { expression: 'rate(1 hour)', flex: 6, age: 3600 },
    { expression: 'rate(1 day)', flex: 15, age: 86_400 },
    { expression: 'rate(7 days)', flex: 15, age: 86_400 },
    { expression: 'cron(0 2 * * ? *)', flex: 0, age: 3600 },
  ])('runs $expression with a $flex minute window, retried for $age s', ({ expression, flex, age }) => {
    expect(schedulerTiming(expression)).toEqual({ expression, flexMinutes: flex, maxAgeSeconds: age });
  });

  it('refuses what Scheduler would refuse', () => {
    expect(() => schedulerTiming('rate(5 minute)')).toThrow(/plural/);
    expect(() => schedulerTiming('at(2030-01-01T00:00:00)')).toThrow(/not supported/);
  });

  it('names schedules within 64 characters of what Scheduler allows, one name per expression', () => {
    const name = scheduleName('a'.repeat(64), 'cron(0 2 * * ? *)');
    expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(scheduleName('web', 'rate(1 minute)')).not.toBe(scheduleName('web', 'rate(2 minutes)'));
  });
});

describe('ticket secrets', () => {
  it('grants notify read on exactly the referenced secrets, and writes no secret into the template', async () => {
    const artifacts = await withTickets(`  - type: pagerduty
    routingKey: ssm:/healops/pagerduty-key
  - type: jira
    baseUrl: https://example.atlassian.net
    project: OPS
    issueType: Incident
    email: secretsmanager:healops/jira-email
    apiToken: secretsmanager:healops/jira-token
  - type: webhook
    url: https://hooks.example.com/healops
    secret: ssm:/healops/webhook-key
`);
    const { template } = synthesize(artifacts);
    const policy = JSON.stringify(
      Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.includes('notify'))?.[1],
    );
    expect(policy).toContain(':parameter/healops/pagerduty-key"');
    expect(policy).toContain(':parameter/healops/webhook-key"');
    expect(policy).toContain(':secret:healops/jira-email-??????"');
    expect(policy).toContain(':secret:healops/jira-token-??????"');
    expect(policy).toMatch(/"ssm:GetParameter"/);
    expect(policy).toMatch(/"secretsmanager:GetSecretValue"/);
    for (const role of ['check', 'repair']) {
      const other = JSON.stringify(
        Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.includes(role))?.[1],
      );
      expect(other).not.toMatch(/secretsmanager:|ssm:GetParameter/);
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.not(Match.objectLike({ HEALOPS_PAGERDUTY_KEY: Match.anyValue() })) },
    });
    expect(artifacts.bundle.tickets.map((t) => t.type)).toEqual(['pagerduty', 'jira', 'webhook']);
  });

  it('refuses env: references, whose values would have to be written into the template', async () => {
    const artifacts = await withTickets(`  - type: webhook
    url: https://hooks.example.com/healops
    secret: env:WEBHOOK_SECRET
`);
    expect(() => synthesize(artifacts)).toThrow(DeploymentConfigError);
    expect(() => synthesize(artifacts)).toThrow(/env:WEBHOOK_SECRET cannot be deployed/);
  });
});

describe('HealOps options', () => {
  it('adds Timestream only when asked, with the retention given', async () => {
    const artifacts = await artifactsOf();
    synthesize(artifacts).template.resourceCountIs('AWS::Timestream::Database', 0);
    const { template } = synthesize(artifacts, {
      timestream: { memoryRetentionHours: 12, magneticRetentionDays: 30 },
    });
    template.resourceCountIs('AWS::Timestream::Database', 1);
    template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '12',
        MagneticStoreRetentionPeriodInDays: '30',
      },
    });
  });

  it('sizes the functions as configured and can leave repair in the unreserved pool', async () => {
    const artifacts = await artifactsOf();
    const { template } = synthesize(artifacts, {
      check: { memorySize: 1024 },
      repair: { reservedConcurrency: null },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('run the checks'),
      MemorySize: 1024,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('repair'),
      ReservedConcurrentExecutions: Match.absent(),
    });
  });

  it('builds a dashboard per package unless turned off', async () => {
    const artifacts = await artifactsOf();
    const names = artifacts.bundle.packages.map((p) => `HealOps-HealOpsTest-${p.name}`);
    const { template } = synthesize(artifacts);
    for (const name of names) {
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: name });
    }
    synthesize(artifacts, { dashboards: false }).template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});
