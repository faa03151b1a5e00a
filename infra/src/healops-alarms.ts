import { AWS_HEARTBEAT_RUNNER, METRIC } from '@healops/core';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

// The alarms whose state changes the ticket pipeline turns into tickets (EventRouting's alarm rule matches their
// name prefix): escalations per package, the dead-man alarm on the heartbeat, dead-letter queues that hold
// anything, function errors and throttles. Each description names its severity (severity=<level>), which the
// notify function reads.

/** The `runner` dimension of the heartbeat the deployed functions emit (healops.heartbeat). */
/** The heartbeat's `runner` dimension of the check function (core's heartbeatPoint). */
export { AWS_HEARTBEAT_RUNNER };

export interface HealOpsAlarmsProps {
  readonly namePrefix: string;
  /** CloudWatch namespace of the HealOps metrics (EMF). */
  readonly namespace: string;
  readonly packages: ReadonlyArray<{ readonly name: string; readonly environment: string }>;
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Minutes without a heartbeat before the dead-man alarm fires. */
  readonly heartbeatMinutes: number;
}

export class HealOpsAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: HealOpsAlarmsProps,
  ) {
    super(scope, id);
    for (const pkg of props.packages) {
      this.add(`escalations-${pkg.name}`, `severity=warning HealOps escalated a problem of ${pkg.name}`, {
        metric: new cloudwatch.Metric({
          namespace: props.namespace,
          metricName: METRIC.escalation,
          dimensionsMap: { package: pkg.name, environment: pkg.environment },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.add('heartbeat', 'severity=critical No HealOps heartbeat: checks are not running', {
      metric: new cloudwatch.Metric({
        namespace: props.namespace,
        metricName: METRIC.heartbeat,
        dimensionsMap: { runner: AWS_HEARTBEAT_RUNNER },
        statistic: 'SampleCount',
        period: Duration.minutes(props.heartbeatMinutes),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.add(`dlq-${name}`, `severity=error Messages in the HealOps ${name} dead-letter queue`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      for (const [kind, metric] of [
        ['errors', fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })],
        ['throttles', fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' })],
      ] as const) {
        this.add(`${name}-${kind}`, `severity=error The HealOps ${name} function reports ${kind}`, {
          metric,
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
  }

  private add(name: string, description: string, props: cloudwatch.AlarmProps): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, name, {
        ...props,
        alarmName: `${this.props.namePrefix}${name}`.slice(0, 255),
        alarmDescription: description,
      }),
    );
  }
}
