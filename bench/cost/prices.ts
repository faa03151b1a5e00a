/**
 * us-east-1 list prices the cost model uses, in USD, each with where it was read. Looked up on 2026-12-04 through
 * the `search` tool (stored copies of public pages, so a price may be older than the live page); a price marked
 * `assumed` was not found there and is the figure we believe current, to be checked against the AWS pricing pages.
 * Free tiers are listed, not applied: the model prints list prices (see docs/cost.md).
 */

export interface PriceSource {
  /** Page title (or site) and address of the page the figure was read from, or `assumed`. */
  readonly source: string;
}

export interface Tier {
  /** Units in this tier (Infinity for the last one). */
  readonly upTo: number;
  readonly usdPerUnit: number;
}

const LAMBDA_SOURCE =
  'AWS Lambda Pricing Breakdown, https://cloudchipr.com/blog/aws-lambda-pricing (arm: first 7.5 billion GB-s); ' +
  'requests: https://git.mcrn.ar/mariano/lambda_local_runner (lambda-13-cost.md); INIT billed since 2025-08-01: ' +
  'AWS Compute Blog, AWS Lambda standardizes billing for INIT Phase';
const EVENTBRIDGE_SOURCE =
  'Amazon EventBridge Pricing: Complete Guide (March 2026), https://cloudburn.io/blog/amazon-eventbridge-pricing';
const CLOUDWATCH_METRICS_SOURCE =
  'CloudWatch custom metrics cost, https://c3x.dev/blog/aws-cloudwatch-metrics-cost/ ($0.30 first 10k); ' +
  'https://cal53.calculator.city/cloudwatch-custom-metrics-calculator/ ($0.10 beyond); tiers from 250k on: assumed';

export const PRICES = {
  lambda: {
    source: LAMBDA_SOURCE,
    usdPerMillionRequests: 0.2,
    /** arm64, first 7.5 billion GB-s a month (every estimate here is far below). */
    usdPerGbSecondArm: 0.0000133334,
    freeTier: '1M requests and 400,000 GB-s a month',
  },
  scheduler: {
    source: EVENTBRIDGE_SOURCE,
    usdPerMillionInvocations: 1.0,
    freeTier: '14M invocations a month',
  },
  events: {
    source: `${EVENTBRIDGE_SOURCE} (each 64 KB chunk of an entry is one event)`,
    usdPerMillionCustomEvents: 1.0,
    chunkBytes: 64 * 1024,
  },
  ssm: {
    source:
      'AWS Systems Manager User Guide, Run Command (run-command.md: no additional cost on Amazon EC2 nodes); ' +
      'Configuring instance tiers (fleet-manager-configure-instance-tiers: 1,000 standard hybrid nodes free per ' +
      'account and Region, more need the advanced-instances tier); advanced node-hour price: assumed',
    usdPerEc2Command: 0,
    /** Per advanced-tier hybrid (non-EC2) node per hour: assumed, not found in the stored pages. */
    usdPerAdvancedNodeHour: 0.00695,
    freeStandardHybridNodes: 1000,
  },
  dynamodb: {
    source:
      'Amazon DynamoDB Pricing: On-Demand & Provisioned Plans (July 2025, after the November 2024 50% cut), ' +
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing; unit sizes: DynamoDB pricing for ' +
      'provisioned capacity (key terms); storage: assumed',
    usdPerMillionWrites: 0.625,
    usdPerMillionReads: 0.125,
    /** One write request unit per 1 KB written; one read unit per 4 KB read strongly consistently. */
    writeUnitBytes: 1024,
    readUnitBytes: 4096,
    usdPerGbMonth: 0.25,
  },
  sqs: {
    source:
      'Amazon SQS Pricing: Complete Guide (March 2026), https://cloudburn.io/blog/amazon-sqs-pricing ' +
      '(standard queue, first 100 billion requests; each 64 KB chunk is a request)',
    usdPerMillionRequests: 0.4,
    freeTier: '1M requests a month',
  },
  logs: {
    source:
      'Lambda logs tiered pricing from 2025-05-01, first tier $0.50/GB: https://www.duckbillgroup.com/?p=9080; ' +
      'storage $0.03/GB-month: Amazon CloudWatch Logs pricing, https://hykell.com/kb/platform-specific-guides/' +
      'aws-cloudwatch-logs-pricing; EMF bills only ingestion and metrics (no PutMetricData): AWS Well-Architected ' +
      'Serverless Lens, Logging ingestion and storage',
    usdPerGbIngested: 0.5,
    usdPerGbMonthStored: 0.03,
    freeTier: '5 GB a month (ingestion, storage and Logs Insights together)',
  },
  metrics: {
    source: CLOUDWATCH_METRICS_SOURCE,
    /** Per custom metric (name + dimension values) per month, prorated by the hour it receives data. */
    tiers: [
      { upTo: 10_000, usdPerUnit: 0.3 },
      { upTo: 250_000, usdPerUnit: 0.1 },
      { upTo: 1_000_000, usdPerUnit: 0.05 },
      { upTo: Number.POSITIVE_INFINITY, usdPerUnit: 0.02 },
    ] satisfies readonly Tier[],
    freeTier: '10 custom metrics a month',
  },
  alarms: {
    source:
      'aws_cloudwatch_metric_alarm cost estimation, https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm ' +
      '(standard resolution)',
    usdPerAlarmMonth: 0.1,
    freeTier: '10 standard alarm metrics',
  },
  dashboards: {
    source:
      'Amazon CloudWatch Pricing: The 10 Billing Dimensions (June 2026), https://www.factualminds.com/blog/' +
      'amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
    usdPerDashboardMonth: 3.0,
    freeTier: '3 custom dashboards of up to 50 metrics each',
  },
  s3: {
    source: 'assumed (S3 Standard; not found in the stored pages)',
    usdPerGbMonth: 0.023,
    usdPerThousandPuts: 0.005,
  },
  graphImages: {
    source: 'assumed (GetMetricWidgetImage, per metric requested; not found in the stored pages)',
    usdPerThousandMetrics: 0.02,
  },
} as const;
