import { METRIC } from '@healops/core';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

// One CloudWatch dashboard per package: check status per (check, target), repairs, escalations and every
// perfdata series of the package. Perfdata labels are only known at run time, so the graphs are SEARCH expressions
// over the EMF metrics rather than fixed metrics.

export interface HealOpsDashboardsProps {
  readonly namePrefix: string;
  readonly namespace: string;
  readonly packages: ReadonlyArray<{ readonly name: string; readonly environment: string }>;
}

const PERIOD = Duration.minutes(5);

/** Status and escalations have a per-target metric whatever the EMF dimension preset (full or lean). */
const PER_TARGET = ['package', 'check', 'target', 'environment'];

/**
 * A SEARCH over the package's series of `metric` ('' for every perfdata series). With `schema` only the metrics
 * of exactly that dimension set; without, every set the metric is published with (duration, repairs and perfdata
 * have per-target or per-check sets depending on the EMF preset, so those graphs match any).
 */
function search(
  namespace: string,
  pkg: string,
  metric: string,
  statistic: string,
  schema?: readonly string[],
) {
  const where = schema ? `{${[namespace, ...schema].join(',')}}` : `Namespace="${namespace}"`;
  const name = metric === '' ? 'perf' : `MetricName="${metric}"`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${where} package="${pkg}" ${name}', '${statistic}', ${PERIOD.toSeconds()})`,
    label: '',
    period: PERIOD,
  });
}

export class HealOpsDashboards extends Construct {
  readonly dashboards: cloudwatch.Dashboard[] = [];

  constructor(scope: Construct, id: string, props: HealOpsDashboardsProps) {
    super(scope, id);
    for (const pkg of props.packages) {
      const graph = (title: string, metric: string, statistic: string, schema?: readonly string[]) =>
        new cloudwatch.GraphWidget({
          title,
          width: 12,
          left: [search(props.namespace, pkg.name, metric, statistic, schema)],
        });
      // Unquoted terms match parts of names: every healops.perf.<label> series of the package.
      const perf = new cloudwatch.GraphWidget({
        title: 'Perfdata',
        width: 24,
        left: [search(props.namespace, pkg.name, '', 'Average')],
      });
      this.dashboards.push(
        new cloudwatch.Dashboard(this, pkg.name, {
          dashboardName: `${props.namePrefix}${pkg.name}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255),
          defaultInterval: Duration.hours(6),
          widgets: [
            [
              new cloudwatch.TextWidget({
                markdown: `# HealOps ${pkg.name}\nEnvironment \`${pkg.environment}\`. Status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.`,
                width: 24,
                height: 2,
              }),
            ],
            [
              graph('Check status (max)', METRIC.checkStatus, 'Maximum', PER_TARGET),
              graph('Check duration ms', METRIC.checkDuration, 'Average'),
            ],
            [
              graph('Repairs (1 success, 0 failure)', METRIC.repair, 'Minimum'),
              graph('Escalations', METRIC.escalation, 'Sum', PER_TARGET),
            ],
            [perf],
          ],
        }),
      );
    }
  }
}
