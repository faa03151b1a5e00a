import { PRICES, type Tier } from './prices.js';

/** Everything the monthly estimate depends on; bench/cost-estimate.ts fills it from the bench figures. */
export interface CostInputs {
  readonly hosts: number;
  readonly checksPerHost: number;
  /** Runs of each schedule a month (rate(5 minutes): 730 h x 12). */
  readonly cyclesPerMonth: number;
  /** EventBridge Scheduler schedules: one per (package, schedule expression). */
  readonly schedules: number;
  /** SSM API calls of one cycle of one schedule (SendCommand + ListCommands + ListCommandInvocations). */
  readonly ssmCallsPerCycle: number;
  readonly check: CheckFunctionInputs;
  readonly perResult: PerResultInputs;
  /** Logger lines of one check invocation, bytes. */
  readonly loggerBytesPerInvocation: number;
  /** START / END / REPORT lines Lambda writes per invocation, bytes. */
  readonly platformLogBytesPerInvocation: number;
  /** Metric series that do not carry `target` (per package and environment, handler metrics, heartbeat). */
  readonly fixedMetricSeries: number;
  readonly incidents: IncidentInputs;
  /** The notify function's scheduled delivery pass over the ticket outbox (its own Scheduler schedule). */
  readonly drain: DrainInputs;
  /** ReceiveMessage calls the Lambda event source makes on the idle ticket queue in a month. */
  readonly sqsIdleRequestsPerMonth: number;
  readonly logRetentionDays: number;
  /** Stored (compressed) bytes per ingested byte. */
  readonly logStoredRatio: number;
  readonly alarms: number;
  readonly dashboards: number;
}

export interface CheckFunctionInputs {
  readonly memoryMb: number;
  /** Engine + EMF + logging time per result, measured on this machine's CPU. */
  readonly cpuMsPerResult: number;
  /** How much slower the function's CPU share is than this machine's core (1,769 MB = 1 vCPU). */
  readonly cpuSlowdown: number;
  /** Round trip of one SSM API call from the function (the executor sends them one after another). */
  readonly ssmCallMs: number;
  /** Time the function sleeps between polls while the hosts run the scripts. */
  readonly hostWaitMs: number;
  readonly dynamoCallsPerResult: number;
  readonly dynamoCallMs: number;
  /** Results decided at once (processFleetResults). */
  readonly concurrency: number;
  /** Function timeout less the margin kept for the continuation (a longer run continues in a new invocation). */
  readonly usableMsPerInvocation: number;
}

export interface PerResultInputs {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly emfBytes: number;
  /** CloudWatch metrics carrying `target` created per (check, host). */
  readonly targetMetricSeries: number;
}

export interface IncidentInputs {
  /** Hard failures handed to the repair function, per host and month. */
  readonly perHostMonth: number;
  /** Of those, the share that escalates to a ticket. */
  readonly escalatedShare: number;
  /** Check Failed + Repair Succeeded/Failed + Recovered/Escalated. */
  readonly eventsPerIncident: number;
  readonly eventBytes: number;
  readonly repairMs: number;
  readonly repairMemoryMb: number;
  /** Notify invocations per escalation (trigger, later resolve). */
  readonly notifyPerEscalation: number;
  readonly notifyMs: number;
  readonly notifyMemoryMb: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly logBytesPerInvocation: number;
  /** SQS requests per notify message: the rule's SendMessage, ReceiveMessage, DeleteMessage. */
  readonly sqsRequestsPerMessage: number;
  /** Metrics per graph image (GetMetricWidgetImage) and the image size, per escalation. */
  readonly graphMetrics: number;
  readonly imageBytes: number;
}

export interface DrainInputs {
  readonly runsPerMonth: number;
  readonly ms: number;
  /** Read units of one pass (queries of the pending actions of each route). */
  readonly readUnits: number;
}

export interface LineItem {
  readonly service: string;
  readonly usage: string;
  readonly usd: number;
}

const GB = 1024 ** 3;
const MILLION = 1_000_000;

/** Cost of `units` under a graduated price (each tier's rate applies to the units inside it). */
export function tieredCost(units: number, tiers: readonly Tier[]): number {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    if (units <= from) break;
    cost += (Math.min(units, tier.upTo) - from) * tier.usdPerUnit;
    from = tier.upTo;
  }
  return cost;
}

/** Milliseconds one scheduled run of the check function takes on AWS (all its invocations together). */
export function checkRunMs(inputs: CostInputs): number {
  const c = inputs.check;
  const results = inputs.hosts * inputs.checksPerHost;
  const perResultMs =
    c.cpuMsPerResult * c.cpuSlowdown + (c.dynamoCallsPerResult * c.dynamoCallMs) / c.concurrency;
  return inputs.ssmCallsPerCycle * c.ssmCallMs + c.hostWaitMs + results * perResultMs;
}

/** Invocations one scheduled run takes: the first, plus a continuation per spent invocation. */
export function checkInvocationsPerRun(inputs: CostInputs): number {
  return Math.max(1, Math.ceil(checkRunMs(inputs) / inputs.check.usableMsPerInvocation));
}

export function monthlyCost(inputs: CostInputs, prices = PRICES): LineItem[] {
  const runs = inputs.schedules * inputs.cyclesPerMonth;
  const results = inputs.hosts * inputs.checksPerHost * runs;
  const invocationsPerRun = checkInvocationsPerRun(inputs);
  const checkInvocations = runs * invocationsPerRun;
  const continuations = runs * (invocationsPerRun - 1);
  const i = inputs.incidents;
  const incidents = inputs.hosts * i.perHostMonth;
  const escalations = incidents * i.escalatedShare;
  const notifyInvocations = escalations * i.notifyPerEscalation;
  const drains = inputs.drain.runsPerMonth;
  const scheduled = runs + drains;

  const checkGbS = (runs * checkRunMs(inputs) * inputs.check.memoryMb) / 1024 / 1000;
  const repairGbS = (incidents * i.repairMs * i.repairMemoryMb) / 1024 / 1000;
  const notifyGbS =
    ((notifyInvocations * i.notifyMs + drains * inputs.drain.ms) * i.notifyMemoryMb) / 1024 / 1000;
  const requests = checkInvocations + incidents + notifyInvocations + drains;

  const chunks = Math.ceil(i.eventBytes / prices.events.chunkBytes);
  const customEvents = (incidents * i.eventsPerIncident + continuations) * chunks;

  const readUnits =
    results * inputs.perResult.readUnits + incidents * i.readUnits + drains * inputs.drain.readUnits;
  const writeUnits = results * inputs.perResult.writeUnits + incidents * i.writeUnits;

  const sqsRequests = notifyInvocations * i.sqsRequestsPerMessage + inputs.sqsIdleRequestsPerMonth;

  const logBytes =
    results * inputs.perResult.emfBytes +
    checkInvocations * (inputs.loggerBytesPerInvocation + inputs.platformLogBytesPerInvocation) +
    (incidents + notifyInvocations + drains) *
      (i.logBytesPerInvocation + inputs.platformLogBytesPerInvocation);
  const logGb = logBytes / GB;
  const storedGb = logGb * (inputs.logRetentionDays / (730 / 24)) * inputs.logStoredRatio;

  const series =
    inputs.hosts * inputs.checksPerHost * inputs.perResult.targetMetricSeries + inputs.fixedMetricSeries;

  const s3Gb = (escalations * i.imageBytes * 3) / GB; // images kept about 3 months (bucket lifecycle)

  return [
    {
      service: 'EventBridge Scheduler',
      usage: `${fmt(scheduled)} invocations (check ${fmt(runs)}, drain ${fmt(drains)})`,
      usd: (scheduled / MILLION) * prices.scheduler.usdPerMillionInvocations,
    },
    {
      service: 'Lambda requests',
      usage: `${fmt(requests)} (check ${fmt(checkInvocations)}, repair ${fmt(incidents)}, notify ${fmt(notifyInvocations + drains)})`,
      usd: (requests / MILLION) * prices.lambda.usdPerMillionRequests,
    },
    {
      service: 'Lambda duration (arm64)',
      usage: `${fmt(checkGbS + repairGbS + notifyGbS)} GB-s (check run ${(checkRunMs(inputs) / 1000).toFixed(1)} s)`,
      usd: (checkGbS + repairGbS + notifyGbS) * prices.lambda.usdPerGbSecondArm,
    },
    {
      service: 'SSM Run Command (EC2)',
      usage: `${fmt(inputs.ssmCallsPerCycle * runs)} API calls`,
      usd: inputs.ssmCallsPerCycle * runs * prices.ssm.usdPerEc2Command,
    },
    {
      service: 'EventBridge custom events',
      usage: `${fmt(customEvents)} (${chunks} chunk each)`,
      usd: (customEvents / MILLION) * prices.events.usdPerMillionCustomEvents,
    },
    {
      service: 'DynamoDB on-demand',
      usage: `${fmt(readUnits)} RRU + ${fmt(writeUnits)} WRU`,
      usd:
        (readUnits / MILLION) * prices.dynamodb.usdPerMillionReads +
        (writeUnits / MILLION) * prices.dynamodb.usdPerMillionWrites,
    },
    {
      service: 'SQS',
      usage: `${fmt(sqsRequests)} requests`,
      usd: (sqsRequests / MILLION) * prices.sqs.usdPerMillionRequests,
    },
    {
      service: 'CloudWatch Logs',
      usage: `${logGb.toFixed(1)} GB ingested, ${storedGb.toFixed(1)} GB stored`,
      usd: logGb * prices.logs.usdPerGbIngested + storedGb * prices.logs.usdPerGbMonthStored,
    },
    {
      service: 'CloudWatch metrics (EMF)',
      usage: `${fmt(series)} metrics`,
      usd: tieredCost(series, prices.metrics.tiers),
    },
    {
      service: 'CloudWatch alarms + dashboard',
      usage: `${inputs.alarms} alarms, ${inputs.dashboards} dashboard(s)`,
      usd:
        inputs.alarms * prices.alarms.usdPerAlarmMonth +
        inputs.dashboards * prices.dashboards.usdPerDashboardMonth,
    },
    {
      service: 'S3 + graph images',
      usage: `${fmt(escalations)} images`,
      usd:
        s3Gb * prices.s3.usdPerGbMonth +
        (escalations / 1000) * prices.s3.usdPerThousandPuts +
        ((escalations * i.graphMetrics) / 1000) * prices.graphImages.usdPerThousandMetrics,
    },
  ];
}

/** Extra monthly charge when the hosts are hybrid (non-EC2) nodes: the advanced tier past 1,000 of them. */
export function hybridNodeCost(hosts: number, prices = PRICES): number {
  if (hosts <= prices.ssm.freeStandardHybridNodes) return 0;
  return hosts * 730 * prices.ssm.usdPerAdvancedNodeHour;
}

export function total(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.usd, 0);
}

function fmt(n: number): string {
  if (n >= MILLION) return `${(n / MILLION).toFixed(1)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(1)}k`;
  return n.toFixed(n < 10 && !Number.isInteger(n) ? 1 : 0);
}
