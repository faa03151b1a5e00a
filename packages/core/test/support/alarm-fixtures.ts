// EventBridge "CloudWatch Alarm State Change" events shaped like the samples in the CloudWatch user guide
// (cloudwatch-and-eventbridge): a single-metric alarm and a composite alarm, with the fields AWS has added since.

/** A metric alarm going OK -> ALARM; CloudWatch writes state times as `...+0000`. */
export function metricAlarmEvent(): Record<string, unknown> {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-03-02T17:04:40Z',
    region: 'us-east-1',
    resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh'],
    detail: {
      alarmName: 'ServerCpuTooHigh',
      configuration: {
        description: 'Goes into alarm when server CPU utilization is too high! severity=critical',
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: {
              metric: {
                dimensions: { InstanceId: 'i-12345678901234567' },
                name: 'CPUUtilization',
                namespace: 'AWS/EC2',
              },
              period: 300,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [0.0666851903306472 (01/03/26 13:46:00)] was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).',
        reasonData:
          '{"version":"1.0","queryDate":"2026-03-01T13:56:40.985+0000","startDate":"2026-03-01T13:46:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[0.0666851903306472],"threshold":50.0}',
        timestamp: '2026-03-01T13:56:40.987+0000',
        value: 'OK',
      },
      state: {
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/03/26 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
        reasonData:
          '{"version":"1.0","queryDate":"2026-03-02T17:04:40.985+0000","startDate":"2026-03-02T16:59:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[99.50160229693434],"threshold":50.0}',
        timestamp: '2026-03-02T17:04:40.989+0000',
        value: 'ALARM',
      },
    },
  };
}

/** A composite alarm going OK -> ALARM, with action suppression fields and propagated tags. */
export function compositeAlarmEvent(): Record<string, unknown> {
  return {
    version: '0',
    id: 'd3dfc86d-384d-24c8-0345-9f7986db0b80',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-03-02T15:57:45Z',
    region: 'eu-west-1',
    resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ServiceAggregatedAlarm'],
    detail: {
      alarmName: 'ServiceAggregatedAlarm',
      state: {
        actionsSuppressedBy: 'WaitPeriod',
        actionsSuppressedReason: 'Actions suppressed by WaitPeriod',
        value: 'ALARM',
        reason:
          'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ServerCpuTooHigh transitioned to ALARM at Monday 02 March, 2026 15:57:45 UTC',
        reasonData:
          '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ServerCpuTooHigh","state":{"value":"ALARM","timestamp":"2026-03-02T15:57:45.394+0000"}}]}',
        timestamp: '2026-03-02T15:57:45.394+0000',
      },
      previousState: {
        value: 'OK',
        reason:
          'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ServerCpuTooHigh transitioned to OK at Monday 02 March, 2026 15:56:14 UTC',
        timestamp: '2026-03-02T15:56:14.552+0000',
      },
      configuration: {
        alarmRule: 'ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)',
        actionsSuppressor: 'ServiceMaintenanceAlarm',
        actionsSuppressorWaitPeriod: 120,
        actionsSuppressorExtensionPeriod: 180,
      },
      alarmTags: { Team: 'payments', Severity: 'Warning' },
    },
  };
}

export interface AlarmChange {
  readonly id: string;
  readonly name?: string;
  readonly value: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly previous?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  /** State-change time, as CloudWatch writes it. */
  readonly at: string;
  readonly reason?: string;
  readonly description?: string;
  readonly region?: string;
}

/** The metric alarm fixture with one state change swapped in. */
export function alarmChange(change: AlarmChange): Record<string, unknown> {
  const base = metricAlarmEvent();
  const detail = base.detail as Record<string, unknown>;
  const configuration = detail.configuration as Record<string, unknown>;
  const reason =
    change.reason ??
    (change.value === 'ALARM'
      ? 'Threshold Crossed: 1 out of the last 1 datapoints [99.5 (02/03/26 16:59:00)] was greater than the threshold (50.0).'
      : change.value === 'OK'
        ? 'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (02/03/26 17:30:00)] was not greater than the threshold (50.0).'
        : 'Insufficient Data: 1 datapoint was unknown.');
  return {
    ...base,
    id: change.id,
    region: change.region ?? 'us-east-1',
    detail: {
      ...detail,
      alarmName: change.name ?? 'ServerCpuTooHigh',
      configuration: {
        ...configuration,
        description: change.description ?? configuration.description,
      },
      previousState: {
        value: change.previous ?? (change.value === 'OK' ? 'ALARM' : 'OK'),
        reason: 'earlier',
        timestamp: '2026-03-01T00:00:00.000+0000',
      },
      state: {
        value: change.value,
        reason,
        reasonData: '{"version":"1.0","recentDatapoints":[99.5],"threshold":50.0}',
        timestamp: change.at,
      },
    },
  };
}
