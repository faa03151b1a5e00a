import {
  bundleSchedules,
  EMF_DEFAULT_NAMESPACE,
  GRAPH_OBJECT_PREFIX,
  HEALOPS_DETAIL_TYPES,
  SSM_OUTPUT_PREFIX,
} from '@healops/core';
import { Annotations, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CheckSchedules } from './check-schedules.js';
import { CommandDocuments, packDocuments } from './command-documents.js';
import { EventRouting } from './event-routing.js';
import { HealOpsAlarms } from './healops-alarms.js';
import type { HealOpsArtifacts } from './healops-artifacts.js';
import { HealOpsDashboards } from './healops-dashboards.js';
import { HealOpsFunction } from './healops-function.js';
import {
  grantCommandStatus,
  grantSendCommand,
  grantSinkSecrets,
  grantTicketSecrets,
  grantTimestreamWrite,
  type TimestreamTableRef,
} from './healops-grants.js';
import { acknowledgeNagFindings } from './nag-acknowledgments.js';
import { OutputBucket } from './output-bucket.js';
import { IDEMPOTENCY_TABLE_ACTIONS, STATE_TABLE_ACTIONS, StateTables } from './state-tables.js';
import { TimestreamStore, type TimestreamStoreProps } from './timestream-store.js';

/** Memory (MB), timeout and reserved concurrency of one function. */
export interface FunctionSizing {
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** At most this many at once; `null` leaves the function in the account's unreserved pool. */
  readonly reservedConcurrency?: number | null;
}

export interface HealOpsProps {
  /** What buildHealOpsArtifacts built: bundle, SSM documents, function code. */
  readonly artifacts: HealOpsArtifacts;
  readonly check?: FunctionSizing;
  readonly repair?: FunctionSizing;
  readonly notify?: FunctionSizing;
  /** Retention of the function logs (default one month). */
  readonly logRetention?: logs.RetentionDays;
  /** How often the notify function drains the ticket outbox (default rate(5 minutes)). */
  readonly ticketDrainSchedule?: string;
  /** Days command output and graph images are kept (default 90). */
  readonly outputRetentionDays?: number;
  /** Minutes without a heartbeat before the dead-man alarm fires (default 15). */
  readonly heartbeatMinutes?: number;
  /** One dashboard per package (default true; each dashboard beyond the free three costs $3 a month). */
  readonly dashboards?: boolean;
  /** CloudWatch namespace of the HealOps metrics (default HealOps). */
  readonly metricsNamespace?: string;
  /**
   * Off by default: Timestream for LiveAnalytics takes no new customers since 2025-06-20. When set, the check and
   * repair functions write their points to the table it creates (HEALOPS_TIMESTREAM_DATABASE / _TABLE), unless the
   * config's `metrics:` already names a timestream sink: then that one is used and this table stays unwritten.
   */
  readonly timestream?: TimestreamStoreProps;
  /**
   * Put the SSM documents in a nested stack (default: when there are more than 20 packages): each document carries
   * its package files, which would take most of the 1 MB template of a large deployment.
   */
  readonly documentsInNestedStack?: boolean;
  /** Removal policy of the tables, bucket and log groups (default RETAIN: state and audit survive a delete). */
  readonly removalPolicy?: RemovalPolicy;
}

export const HEALOPS_DEFAULTS = {
  check: { memorySize: 512, timeout: Duration.minutes(5), reservedConcurrency: null },
  repair: { memorySize: 256, timeout: Duration.minutes(15), reservedConcurrency: 5 },
  notify: { memorySize: 256, timeout: Duration.minutes(2), reservedConcurrency: null },
  logRetention: logs.RetentionDays.ONE_MONTH,
  ticketDrainSchedule: 'rate(5 minutes)',
  heartbeatMinutes: 15,
  nestedDocumentsAbove: 20,
} as const;

/**
 * HealOps on AWS: the check, repair and notify functions with their schedules, event bus and rules, ticket queue,
 * state tables, SSM documents, output bucket, alarms and dashboards, granted only what they use.
 */
export class HealOps extends Construct {
  readonly functions: Record<'check' | 'repair' | 'notify', HealOpsFunction>;
  readonly tables: StateTables;
  readonly routing: EventRouting;
  readonly schedules: CheckSchedules;
  /** The SSM documents: in this stack, or in nested stacks that each stay within the template limits. */
  readonly documents: readonly CommandDocuments[];
  readonly output: OutputBucket;
  readonly alarms: HealOpsAlarms;
  readonly dashboards?: HealOpsDashboards;
  readonly timestream?: TimestreamStore;
  /** Alarms whose names start with this become tickets. */
  readonly alarmNamePrefix: string;
  /** True when check and repair write to a Timestream table (the config's, or the one this construct created). */
  readonly writesTimestream: boolean;

  constructor(scope: Construct, id: string, props: HealOpsProps) {
    super(scope, id);
    const { artifacts } = props;
    const { bundle } = artifacts;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const namespace = props.metricsNamespace ?? EMF_DEFAULT_NAMESPACE;
    this.alarmNamePrefix = `HealOps-${Stack.of(this).stackName}-`;
    this.tables = new StateTables(this, 'Tables', { removalPolicy });
    this.output = new OutputBucket(this, 'Output', {
      removalPolicy,
      ...(props.outputRetentionDays === undefined ? {} : { expireAfterDays: props.outputRetentionDays }),
    });
    const nested =
      props.documentsInNestedStack ?? artifacts.documents.length > HEALOPS_DEFAULTS.nestedDocumentsAbove;
    this.documents = nested
      ? packDocuments(artifacts.documents).map(
          (documents, index) =>
            new CommandDocuments(new NestedStack(this, `Documents${index + 1}`), 'CommandDocuments', {
              documents,
            }),
        )
      : [new CommandDocuments(this, 'CommandDocuments', { documents: artifacts.documents })];
    if (props.timestream) this.timestream = new TimestreamStore(this, 'Timestream', props.timestream);
    const timestreamTables = this.timestreamTables(bundle.metrics ?? []);
    this.writesTimestream = timestreamTables.length > 0;
    const configTimestream = bundle.metrics?.some((s) => s.type === 'timestream') ?? false;
    if (this.timestream && configTimestream) {
      Annotations.of(this).addWarningV2(
        'healops:timestream-unused',
        'metrics: names a timestream sink, so the functions write there; the table of the timestream option stays empty',
      );
    }
    // The bundle is written before the stack exists: the created table reaches the functions by environment.
    const metricsEnv: Record<string, string> =
      this.timestream && !configTimestream
        ? {
            HEALOPS_TIMESTREAM_DATABASE: this.timestream.database.ref,
            HEALOPS_TIMESTREAM_TABLE: this.timestream.table.attrName,
          }
        : {};

    const common = (service: string) => ({
      HEALOPS_TABLE_NAME: this.tables.state.tableName,
      POWERTOOLS_SERVICE_NAME: service,
      POWERTOOLS_METRICS_NAMESPACE: namespace,
    });
    const logRetention = props.logRetention ?? HEALOPS_DEFAULTS.logRetention;
    const make = (name: 'check' | 'repair' | 'notify', description: string, env: Record<string, string>) => {
      const sizing = { ...HEALOPS_DEFAULTS[name], ...props[name] };
      return new HealOpsFunction(this, name, {
        assetDir: artifacts.assets[name],
        description,
        memorySize: sizing.memorySize,
        timeout: sizing.timeout,
        logRetention,
        logRemovalPolicy: removalPolicy,
        environment: { ...common(`healops-${name}`), ...env },
        ...(sizing.reservedConcurrency === null ? {} : { reservedConcurrency: sizing.reservedConcurrency }),
      });
    };
    // The bus name is known before the bus: the functions need it, the rules need the functions.
    const busName = `HealOps-${Stack.of(this).stackName}`.slice(0, 256);
    const busEnv = { HEALOPS_EVENT_BUS_NAME: busName };
    const idempotencyEnv = { HEALOPS_IDEMPOTENCY_TABLE_NAME: this.tables.idempotency.tableName };
    // Commands write their full output to the bucket (the instances' role puts it); check and repair read it back.
    const outputEnv = { HEALOPS_OUTPUT_BUCKET: this.output.bucket.bucketName };
    this.functions = {
      check: make('check', 'HealOps: run the checks of a package on its hosts', {
        ...busEnv,
        ...idempotencyEnv,
        ...outputEnv,
        ...metricsEnv,
      }),
      repair: make('repair', `HealOps: repair on ${HEALOPS_DETAIL_TYPES.checkFailed}`, {
        ...busEnv,
        ...idempotencyEnv,
        ...outputEnv,
        ...metricsEnv,
      }),
      notify: make('notify', 'HealOps: deliver tickets (PagerDuty, Jira, webhooks)', {
        ...(artifacts.environment ? { HEALOPS_ENVIRONMENT: artifacts.environment } : {}),
        // Ticket graph images (GetMetricWidgetImage) are stored here and linked by a presigned URL.
        HEALOPS_GRAPH_BUCKET: this.output.bucket.bucketName,
      }),
    };
    const notifySizing = { ...HEALOPS_DEFAULTS.notify, ...props.notify };
    this.routing = new EventRouting(this, 'Events', {
      busName,
      checkFunction: this.functions.check.function,
      repairFunction: this.functions.repair.function,
      notifyFunction: this.functions.notify.function,
      notifyTimeout: notifySizing.timeout,
      alarmNamePrefix: this.alarmNamePrefix,
    });
    this.schedules = new CheckSchedules(this, 'Schedules', {
      schedules: bundleSchedules(bundle),
      checkFunction: this.functions.check.function,
      notifyFunction: this.functions.notify.function,
      drainSchedule: props.ticketDrainSchedule ?? HEALOPS_DEFAULTS.ticketDrainSchedule,
    });
    this.grant(props, timestreamTables);
    acknowledgeNagFindings(this);

    const packages = bundle.packages.map((p) => ({
      name: p.name,
      environment: p.checks[0]?.environment ?? 'default',
    }));
    this.alarms = new HealOpsAlarms(this, 'Alarms', {
      namePrefix: this.alarmNamePrefix,
      namespace,
      packages,
      functions: Object.fromEntries(Object.entries(this.functions).map(([k, f]) => [k, f.function])),
      deadLetterQueues: {
        schedules: this.schedules.deadLetterQueue,
        events: this.routing.eventDeadLetterQueue,
        tickets: this.routing.ticketDeadLetterQueue,
      },
      heartbeatMinutes: props.heartbeatMinutes ?? HEALOPS_DEFAULTS.heartbeatMinutes,
    });
    if (props.dashboards ?? true) {
      this.dashboards = new HealOpsDashboards(this, 'Dashboards', {
        namePrefix: `HealOps-${Stack.of(this).stackName}-`,
        namespace,
        packages,
      });
    }
  }

  /** The Timestream tables check and repair write to: the config's sinks, else the table this construct made. */
  private timestreamTables(
    metrics: NonNullable<HealOpsArtifacts['bundle']['metrics']>,
  ): TimestreamTableRef[] {
    const configured = metrics.flatMap((s) =>
      s.type === 'timestream'
        ? [{ database: s.database, table: s.table, ...(s.region ? { region: s.region } : {}) }]
        : [],
    );
    if (configured.length > 0 || !this.timestream) return configured;
    return [{ arn: this.timestream.table.attrArn }];
  }

  private grant(props: HealOpsProps, timestreamTables: readonly TimestreamTableRef[]): void {
    const { check, repair, notify } = this.functions;
    const { artifacts } = props;
    for (const fn of [check, repair]) {
      this.tables.state.grant(fn.role, ...STATE_TABLE_ACTIONS);
      this.tables.idempotency.grant(fn.role, ...IDEMPOTENCY_TABLE_ACTIONS);
      this.routing.bus.grantPutEventsTo(fn.role);
      grantSendCommand(
        fn.role,
        this,
        artifacts.documents.map((d) => d.name),
        artifacts.tag,
      );
      grantCommandStatus(fn.role);
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [this.output.bucket.arnForObjects(`${SSM_OUTPUT_PREFIX}/*`)],
        }),
      );
    }
    grantSinkSecrets([check.role, repair.role], this, artifacts.bundle.metrics ?? []);
    grantTimestreamWrite([check.role, repair.role], this, timestreamTables);
    this.tables.state.grant(notify.role, ...STATE_TABLE_ACTIONS);
    grantTicketSecrets(notify.role, this, artifacts.bundle.tickets);
    // Graph images: rendered, stored, then signed (a presigned GET acts with the role's s3:GetObject).
    notify.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.output.bucket.arnForObjects(`${GRAPH_OBJECT_PREFIX}/*`)],
      }),
    );
    notify.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricWidgetImage'], resources: ['*'] }),
    );
  }
}
