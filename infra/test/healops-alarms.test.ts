import { METRIC } from '@healops/core';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AWS_HEARTBEAT_RUNNER } from '../src/healops-alarms.js';
import type { HealOpsArtifacts } from '../src/healops-artifacts.js';
import { artifactsOf, synthesize } from './support/synth-healops.js';

const PREFIX = 'HealOps-HealOpsTest-';

let artifacts: HealOpsArtifacts;
let template: Template;
let alarms: Array<Record<string, unknown>>;

beforeAll(async () => {
  artifacts = await artifactsOf();
  ({ template } = synthesize(artifacts));
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (r) => (r as { Properties: Record<string, unknown> }).Properties,
  );
});

describe('HealOps alarms', () => {
  it('are all named with the prefix the ticket rule matches, and each names its severity', () => {
    expect(alarms.length).toBe(artifacts.bundle.packages.length + 1 + 3 + 6);
    for (const alarm of alarms) {
      expect(alarm.AlarmName).toMatch(new RegExp(`^${PREFIX}`));
      expect(alarm.AlarmDescription).toMatch(/^severity=(critical|error|warning|info) /);
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  it('raise the dead-man alarm when the heartbeat goes missing', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}heartbeat`,
      Namespace: 'HealOps',
      MetricName: METRIC.heartbeat,
      Dimensions: [{ Name: 'runner', Value: AWS_HEARTBEAT_RUNNER }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 900,
      TreatMissingData: 'breaching',
    });
  });

  it('watch every dead-letter queue for a single message', () => {
    for (const name of ['schedules', 'events', 'tickets']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}dlq-${name}`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('watch every function for errors and throttles', () => {
    for (const fn of ['check', 'repair', 'notify']) {
      for (const [kind, metric] of [
        ['errors', 'Errors'],
        ['throttles', 'Throttles'],
      ]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `${PREFIX}${fn}-${kind}`,
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp(fn) } }],
          Threshold: 0,
        });
      }
    }
  });

  it('raise an alarm per package when it escalates, on the package and environment dimensions', () => {
    for (const pkg of artifacts.bundle.packages) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}escalations-${pkg.name}`,
        Namespace: 'HealOps',
        MetricName: METRIC.escalation,
        Dimensions: [
          { Name: 'environment', Value: pkg.checks[0]?.environment },
          { Name: 'package', Value: pkg.name },
        ],
        Statistic: 'Sum',
        TreatMissingData: 'notBreaching',
      });
    }
  });
});

describe('HealOps dashboards', () => {
  it('graph status, repairs, escalations and perfdata of each package from SEARCH expressions', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(artifacts.bundle.packages.length);
    const body = JSON.stringify(
      Object.values(dashboards).find((d) => JSON.stringify(d).includes('HealOps-HealOpsTest-linux-base')),
    );
    for (const metric of [METRIC.checkStatus, METRIC.repair, METRIC.escalation]) {
      expect(body).toContain(`MetricName=\\\\\\"${metric}\\\\\\"`);
    }
    expect(body).toContain('package=\\\\\\"linux-base\\\\\\" perf');
    expect(body).toContain('{HealOps,package,check,target,environment} package=');
    expect(body).toContain('Namespace=\\\\\\"HealOps\\\\\\" package=');
  });
});
