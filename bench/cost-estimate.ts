/**
 * Monthly AWS cost of HealOps for a fleet, from the benchmarks' figures (issue 6, cost estimate; docs/cost.md).
 *
 *   npx tsx bench/cost-estimate.ts [hosts...]        (default 100 1000)
 *
 * The catalog's default schedule: rate(5 minutes), 10 checks per host, one package (one schedule), us-east-1 list
 * prices without free tiers (bench/cost/prices.ts, with their sources). Every input below names the bench that
 * measured it or says `assumed`.
 */
import { pathToFileURL } from 'node:url';
import {
  type CostInputs,
  checkInvocationsPerRun,
  hybridNodeCost,
  type LineItem,
  monthlyCost,
  total,
} from './cost/cost-model.js';

/** rate(5 minutes) over a 730-hour month. */
const CYCLES_PER_MONTH = 730 * 12;
const CHECKS_PER_HOST = 10;
/** Checks per host in the SSM bench runs below (bench/ssm-fleet/fleet-fixture.ts CHECK_COUNT). */
const BENCH_CHECKS = 10;

/**
 * SSM API calls per cycle, tag target (tag:Role), 10 checks per host: `npx tsx bench/ssm-fleet/main.ts 100` (run
 * 2026-12-04 here: 10 SendCommand + 10 ListCommands + 44 ListCommandInvocations) and the 1,000-host run of
 * /tmp/notes/bench-ssm-1000.txt (10 + 35 + 1,100). The instanceIds target took 59 and 553. Upper bounds: the
 * emulated hosts share 2 CPUs, so cycles last longer and need more polls than on AWS.
 */
const SSM_CALLS_MEASURED = [
  { hosts: 100, calls: 64 },
  { hosts: 1000, calls: 1145 },
] as const;

/**
 * Per result and per invocation of the check function: `npx tsx bench/cost/measure-invocation.ts 1000` (2026-12-04:
 * steady-state cycle, 8,000 results of the linux-base jobs on 1,000 hosts).
 */
const MEASURED = {
  /** One strongly consistent GetItem (state item <= 394 B: 1 RRU) and one conditional PutItem (1 WRU). */
  readUnitsPerResult: 1,
  writeUnitsPerResult: 1,
  /**
   * PowertoolsEmfSink's default `dimensions: lean` (2026-12-04, after the option): 16,000 EMF lines, 7,732,000 bytes
   * (Powertools writes one line per directive: status, then duration + perfdata).
   */
  emfBytesPerResult: 967,
  /** Only healops.check.status keeps (package, check, target, environment). */
  targetSeriesPerResult: 1,
  /**
   * Series without `target`: status per (package, environment), duration and the 26 perfdata labels per (package,
   * check, environment) of the 8 jobs. Grows with the checks of a package, not with the hosts.
   */
  aggregateSeriesPerPackage: 35,
  /** The one `check run finished` line (Powertools Logger with the Lambda context keys). */
  loggerBytesPerInvocation: 637,
  /** Handler time per result on this machine (AMD EPYC, shared with other work; 0.22 to 0.54 ms seen). */
  cpuMsPerResult: 0.22,
  /** `HealOps Check Failed` entry of the run where one host failed twice (1 chunk of 64 KB). */
  eventBytes: 1095,
} as const;

/**
 * The same run with `dimensions: full` (the CLI EmfSink default, and the Lambda output before the option): 8,000 EMF
 * documents, 5,617,000 bytes; status + duration + 3.25 perfdata labels per result with `target`; one series per
 * metric name of the package with (package, environment).
 */
const MEASURED_FULL = {
  emfBytesPerResult: 702,
  targetSeriesPerResult: 5.25,
  aggregateSeriesPerPackage: 27,
} as const;

/** Not measured here: figures we believe, stated in docs/cost.md. */
const ASSUMED = {
  /** The function defaults of infra/src/healops.ts (HEALOPS_DEFAULTS, 2026-12-04): check 512 MB, 5 minutes. */
  checkMemoryMb: 512,
  /** Lambda gives 1 vCPU at 1,769 MB; this machine's core runs the handler at full speed. */
  cpuSlowdown: 1769 / 512,
  ssmCallMs: 60,
  /** Three 2-s poll intervals while SSM delivers the commands and the scripts run. */
  hostWaitMs: 6_000,
  dynamoCallMs: 8,
  /** 300-s timeout less the 20-s margin (CHECK_DEFAULTS.marginMs). */
  usableMsPerInvocation: 280_000,
  platformLogBytesPerInvocation: 350,
  /** Notify's and the repair function's own metrics, the heartbeat. */
  handlerMetrics: 10,
  incidentsPerHostMonth: 2,
  escalatedShare: 0.25,
  repairMs: 20_000,
  repairMemoryMb: 256,
  notifyMs: 1_500,
  notifyMemoryMb: 256,
  /** The notify drain schedule: rate(5 minutes) (infra ticketDrainSchedule); one pass, one route. */
  drainRunsPerMonth: 730 * 12,
  drainMs: 300,
  drainReadUnits: 2,
  incidentReadUnits: 10,
  incidentWriteUnits: 20,
  logBytesPerOtherInvocation: 3_000,
  /** Five pollers of the SQS event source, one 20-s long poll each at a time. */
  sqsIdleRequestsPerMonth: 5 * ((730 * 3600) / 20),
  logRetentionDays: 30,
  logStoredRatio: 0.2,
  /** infra/src/healops-alarms.ts: escalations (1 package), heartbeat, 3 DLQs, errors + throttles of 3 functions. */
  alarms: 11,
  dashboards: 1,
  graphMetrics: 5,
  imageBytes: 60_000,
} as const;

/** SSM calls per cycle for `hosts`, scaled from the nearest measured fleet (calls grow with the fleet). */
export function ssmCallsFor(hosts: number, checks = CHECKS_PER_HOST): number {
  const nearest = [...SSM_CALLS_MEASURED].sort(
    (a, b) => Math.abs(Math.log(a.hosts / hosts)) - Math.abs(Math.log(b.hosts / hosts)),
  )[0];
  if (nearest === undefined) throw new Error('no SSM bench figures');
  return Math.ceil((nearest.calls * hosts * checks) / (nearest.hosts * BENCH_CHECKS));
}

export function inputsFor(hosts: number): CostInputs {
  return {
    hosts,
    checksPerHost: CHECKS_PER_HOST,
    cyclesPerMonth: CYCLES_PER_MONTH,
    schedules: 1,
    ssmCallsPerCycle: ssmCallsFor(hosts),
    check: {
      memoryMb: ASSUMED.checkMemoryMb,
      cpuMsPerResult: MEASURED.cpuMsPerResult,
      cpuSlowdown: ASSUMED.cpuSlowdown,
      ssmCallMs: ASSUMED.ssmCallMs,
      hostWaitMs: ASSUMED.hostWaitMs,
      dynamoCallsPerResult: MEASURED.readUnitsPerResult + MEASURED.writeUnitsPerResult,
      dynamoCallMs: ASSUMED.dynamoCallMs,
      concurrency: 16,
      usableMsPerInvocation: ASSUMED.usableMsPerInvocation,
    },
    perResult: {
      readUnits: MEASURED.readUnitsPerResult,
      writeUnits: MEASURED.writeUnitsPerResult,
      emfBytes: MEASURED.emfBytesPerResult,
      targetMetricSeries: MEASURED.targetSeriesPerResult,
    },
    loggerBytesPerInvocation: MEASURED.loggerBytesPerInvocation,
    platformLogBytesPerInvocation: ASSUMED.platformLogBytesPerInvocation,
    fixedMetricSeries: MEASURED.aggregateSeriesPerPackage + ASSUMED.handlerMetrics,
    incidents: {
      perHostMonth: ASSUMED.incidentsPerHostMonth,
      escalatedShare: ASSUMED.escalatedShare,
      eventsPerIncident: 3,
      eventBytes: MEASURED.eventBytes,
      repairMs: ASSUMED.repairMs,
      repairMemoryMb: ASSUMED.repairMemoryMb,
      notifyPerEscalation: 2,
      notifyMs: ASSUMED.notifyMs,
      notifyMemoryMb: ASSUMED.notifyMemoryMb,
      readUnits: ASSUMED.incidentReadUnits,
      writeUnits: ASSUMED.incidentWriteUnits,
      logBytesPerInvocation: ASSUMED.logBytesPerOtherInvocation,
      sqsRequestsPerMessage: 3,
      graphMetrics: ASSUMED.graphMetrics,
      imageBytes: ASSUMED.imageBytes,
    },
    drain: {
      runsPerMonth: ASSUMED.drainRunsPerMonth,
      ms: ASSUMED.drainMs,
      readUnits: ASSUMED.drainReadUnits,
    },
    sqsIdleRequestsPerMonth: ASSUMED.sqsIdleRequestsPerMonth,
    logRetentionDays: ASSUMED.logRetentionDays,
    logStoredRatio: ASSUMED.logStoredRatio,
    alarms: ASSUMED.alarms,
    dashboards: ASSUMED.dashboards,
  };
}

/** Ways to lower the bill, as changes to the inputs (docs/cost.md says which need a code change). */
export const VARIANTS: ReadonlyArray<{
  readonly name: string;
  readonly apply: (i: CostInputs) => CostInputs;
}> = [
  { name: 'as configured', apply: (i) => i },
  {
    name: 'rate(15 minutes)',
    apply: (i) => ({ ...i, cyclesPerMonth: i.cyclesPerMonth / 3 }),
  },
  { name: 'log retention 7 days', apply: (i) => ({ ...i, logRetentionDays: 7 }) },
  {
    // Status per target; duration and perfdata per (package, check, environment) only: the `lean` default itself.
    name: 'status only per target',
    apply: (i) => perTargetSeries(i, 1),
  },
  {
    // `dimensions: full`: every point with (package, check, target, environment), as before the option.
    name: 'dimensions: full',
    apply: (i) => ({
      ...i,
      perResult: {
        ...i.perResult,
        emfBytes: MEASURED_FULL.emfBytesPerResult,
        targetMetricSeries: MEASURED_FULL.targetSeriesPerResult,
      },
      fixedMetricSeries: MEASURED_FULL.aggregateSeriesPerPackage + ASSUMED.handlerMetrics,
    }),
  },
  {
    // No `target` dimension in CloudWatch at all; per-target detail from Logs Insights on the EMF lines.
    name: 'no target dimension',
    apply: (i) => perTargetSeries(i, 0),
  },
];

/** Keeps `kept` series per (check, host); the others become one series per check of the package. */
function perTargetSeries(i: CostInputs, kept: number): CostInputs {
  const moved = i.perResult.targetMetricSeries - kept;
  return {
    ...i,
    perResult: { ...i.perResult, targetMetricSeries: kept },
    fixedMetricSeries: i.fixedMetricSeries + Math.ceil(i.checksPerHost * moved),
  };
}

function usd(n: number): string {
  return n >= 100 ? `$${n.toFixed(0)}` : n >= 0.01 ? `$${n.toFixed(2)}` : n > 0 ? '< $0.01' : '$0';
}

function main(): void {
  const fleets = process.argv.slice(2).map(Number);
  const hostCounts = fleets.length > 0 ? fleets : [100, 1000];
  if (hostCounts.some((h) => !Number.isInteger(h) || h < 1))
    throw new Error('hosts must be positive integers');
  const tables = hostCounts.map((hosts) => ({ hosts, items: monthlyCost(inputsFor(hosts)) }));
  const first = tables[0];
  if (first === undefined) return;
  console.log(
    `HealOps monthly AWS cost, us-east-1 list prices, no free tiers; rate(5 minutes), ${CHECKS_PER_HOST} checks per host\n`,
  );
  const width = Math.max(...first.items.map((i) => i.service.length)) + 2;
  console.log(`${'line item'.padEnd(width)}${tables.map((t) => `${t.hosts} hosts`.padStart(14)).join('')}`);
  first.items.forEach((item, row) => {
    const cells = tables.map((t) => usd(t.items[row]?.usd ?? 0).padStart(14)).join('');
    console.log(`${item.service.padEnd(width)}${cells}`);
  });
  console.log(`${'total'.padEnd(width)}${tables.map((t) => usd(total(t.items)).padStart(14)).join('')}`);
  for (const { hosts, items } of tables) {
    const inputs = inputsFor(hosts);
    console.log(
      `\n${hosts} hosts: ${inputs.ssmCallsPerCycle} SSM calls and ${hosts * CHECKS_PER_HOST} results per cycle, ${checkInvocationsPerRun(inputs)} check invocation(s) per cycle`,
    );
    for (const item of byCost(items)) {
      console.log(`  ${item.service}: ${usd(item.usd)} (${share(item, items)}) - ${item.usage}`);
    }
    const variants = VARIANTS.map((v) => `${v.name} ${usd(total(monthlyCost(v.apply(inputs))))}`);
    console.log(`  variants: ${variants.join('; ')}`);
    const hybrid = hybridNodeCost(hosts);
    console.log(
      `  as hybrid (non-EC2) nodes: ${hybrid === 0 ? 'no SSM charge (standard tier: up to 1,000 nodes)' : `+${usd(hybrid)} a month for the advanced-instances tier`}`,
    );
  }
}

function byCost(items: readonly LineItem[]): LineItem[] {
  return [...items].sort((a, b) => b.usd - a.usd);
}

function share(item: LineItem, items: readonly LineItem[]): string {
  return `${((100 * item.usd) / total(items)).toFixed(1)}%`;
}

// Run as a script, not when the test imports the model's inputs.
const script = process.argv[1];
if (script !== undefined && import.meta.url === pathToFileURL(script).href) main();
