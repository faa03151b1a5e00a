import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AwsSecretResolver, CloudWatchTicketImages, DynamoStore } from '@healops/aws';
import { SEVERITIES, type Severity } from '@healops/core';
import { NotifyConfigError } from './errors.js';
import { readNotifyBundle } from './notify-bundle.js';
import type { NotifyDeps } from './notify-deps.js';

// The notify function's dependencies as deployed: everything from the environment the stack sets. The AWS SDK
// reads its own (AWS_REGION, AWS_ENDPOINT_URL, credentials).

export const NOTIFY_ENV = {
  /** The DynamoDB table (DYNAMO_TABLE_SCHEMA). Required. */
  tableName: 'HEALOPS_TABLE_NAME',
  /** The deployment bundle JSON (default healops-bundle.json next to the handler). */
  bundlePath: 'HEALOPS_BUNDLE_PATH',
  /** Environment named in alarm tickets (default: the bundle's checks' one environment, else "default"). */
  environment: 'HEALOPS_ENVIRONMENT',
  /** Severity of an alarm whose description and tags name none (default "error"). */
  alarmSeverity: 'HEALOPS_ALARM_SEVERITY',
  /**
   * The bucket for the tickets' graph images (`graphs/*`); unset: tickets carry no image. The function needs
   * cloudwatch:GetMetricWidgetImage, and s3:PutObject + s3:GetObject on `<bucket>/graphs/*` (the presigned URL is
   * signed with its role's credentials). The graphs read POWERTOOLS_METRICS_NAMESPACE (default "HealOps").
   */
  graphBucket: 'HEALOPS_GRAPH_BUCKET',
} as const;

const DEFAULT_SERVICE = 'healops-notify';
const DEFAULT_NAMESPACE = 'HealOps';
const BUNDLE_FILE = 'healops-bundle.json';

export type NotifyEnv = Readonly<Record<string, string | undefined>>;

/** Builds the deployed dependencies; throws NotifyConfigError naming the variable or file at fault. */
export function notifyDepsFromEnv(env: NotifyEnv = process.env): NotifyDeps {
  const tableName = env[NOTIFY_ENV.tableName];
  if (tableName === undefined || tableName === '') {
    throw new NotifyConfigError(`${NOTIFY_ENV.tableName} is not set: name the HealOps DynamoDB table`);
  }
  const bundlePath = env[NOTIFY_ENV.bundlePath] || join(dirname(fileURLToPath(import.meta.url)), BUNDLE_FILE);
  const bundle = readNotifyBundle(bundlePath);
  const defaultSeverity = severityFrom(env[NOTIFY_ENV.alarmSeverity]);
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE;
  const graphBucket = env[NOTIFY_ENV.graphBucket];
  return {
    store: new DynamoStore({ tableName }),
    routes: bundle.tickets,
    secrets: new AwsSecretResolver({ env }),
    environment: env[NOTIFY_ENV.environment] || bundle.environment || 'default',
    logger: new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE }),
    metrics: new Metrics({
      namespace,
      serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE,
    }),
    ...(defaultSeverity ? { defaultSeverity } : {}),
    ...(graphBucket ? { images: new CloudWatchTicketImages({ bucket: graphBucket, namespace }) } : {}),
  };
}

function severityFrom(text: string | undefined): Severity | undefined {
  if (text === undefined || text === '') return undefined;
  const found = SEVERITIES.find((s) => s === text);
  if (found === undefined) {
    throw new NotifyConfigError(
      `${NOTIFY_ENV.alarmSeverity}: unknown severity ${JSON.stringify(text)} (expected ${SEVERITIES.join(', ')})`,
    );
  }
  return found;
}
