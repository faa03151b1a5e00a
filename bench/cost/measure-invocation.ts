/**
 * What one check-function invocation costs besides its wait for SSM: the inputs of bench/cost-estimate.ts that no
 * other bench measures (issue 6, cost estimate).
 *
 *   npx tsx bench/cost/measure-invocation.ts [hosts] [full|lean]     (default 1,000 hosts, lean)
 *
 * Runs the real check handler (createCheckHandler: middy, Powertools Logger and Parser, checkPackage,
 * processFleetResults, PowertoolsEmfSink) for one schedule of the linux-base jobs on `hosts` hosts, with the fleet
 * answering at once (every result in the first poll: SSM's part is measured by bench/ssm-fleet) and the DynamoDB
 * store replaced by an in-memory one that counts what DynamoStore would send (CountingStore). stdout is captured:
 * EMF documents and Logger lines are measured, not printed. Cycles, 5 minutes apart on the handler's clock:
 *   1. first run (every state new), 2. steady state (every result OK, as before) -- the figures the model uses,
 *   3. and 4. one host's `process` check CRITICAL twice (soft, then hard: a Check Failed event).
 * CPU time per result is the invocation's wall time here over its results: engine, EMF and logging without network.
 * The second argument is the EMF sink's `dimensions` (lean: the check function's default; full: every dimension).
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  BUNDLE_VERSION,
  type BundlePackage,
  type DeploymentBundle,
  type ExecResult,
  type FleetExecutor,
  type FleetHandle,
  type FleetResult,
  HEALOPS_EVENT_SOURCE,
  type HealOpsEvent,
  putEventsEntrySize,
} from '@healops/core';
import { createCheckHandler } from '../../functions/check/src/check-handler.js';
import { PowertoolsEmfSink } from '../../packages/aws/src/index.js';
import { CountingStore } from './counting-store.js';
import { countSeries } from './emf-series.js';
import {
  instanceId,
  JOB_NAMES,
  PACKAGE,
  SAMPLE_CHECKS,
  SAMPLE_OUTPUTS,
  SCHEDULE,
  VERSION,
} from './sample-jobs.js';

const CYCLE_MS = 5 * 60 * 1000;
const FAILING_JOB = 'process';

interface CycleFigures {
  readonly results: number;
  readonly wallMs: number;
  readonly emfBytes: number;
  readonly emfDocuments: number;
  readonly logBytes: number;
  readonly logLines: number;
  readonly perTargetSeries: number;
  readonly aggregateSeries: number;
  readonly events: readonly { readonly type: string; readonly bytes: number }[];
  readonly store: CountingStore['counts'];
}

function exec(job: string, failing: boolean): ExecResult {
  const stdout = failing
    ? "PROCS CRITICAL - init process (PID 1, nginx): 0 running | 'processes'=0;;1:;0"
    : (SAMPLE_OUTPUTS[job] ?? '');
  return {
    exitCode: failing ? 2 : 0,
    signal: null,
    timedOut: false,
    stdout,
    stderr: '',
    truncated: false,
    binary: false,
    durationMs: 40,
  };
}

/** Answers every job on every host in the first poll. */
class InstantFleet implements FleetExecutor {
  failingHosts = 0;
  constructor(
    private readonly hosts: readonly string[],
    private readonly clock: { now(): Date },
  ) {}

  async start(pkg: BundlePackage): Promise<FleetHandle> {
    const startedAt = this.clock.now().toISOString();
    return {
      package: pkg.name,
      startedAt,
      commands: JOB_NAMES.map((check) => ({
        check,
        commandId: randomUUID(),
        targetCount: this.hosts.length,
        requestedAt: startedAt,
      })),
    };
  }

  async poll(handle: FleetHandle) {
    const results: FleetResult[] = [];
    for (const command of handle.commands) {
      this.hosts.forEach((target, index) => {
        const failing = command.check === FAILING_JOB && index < this.failingHosts;
        results.push({
          check: command.check,
          target,
          exec: exec(command.check, failing),
          startedAt: command.requestedAt,
        });
      });
    }
    return { results, pending: 0, handle: { ...handle, commands: [] } };
  }
}

async function captureStdout<T>(run: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await run(), lines };
  } finally {
    process.stdout.write = original;
  }
}

async function main(): Promise<void> {
  const hostCount = Number(process.argv[2] ?? 1_000);
  if (!Number.isInteger(hostCount) || hostCount < 1) throw new Error('hosts must be a positive integer');
  const dimensions = process.argv[3] ?? 'lean';
  if (dimensions !== 'lean' && dimensions !== 'full') throw new Error('dimensions must be full or lean');
  const hosts = Array.from({ length: hostCount }, (_, i) => instanceId(i + 1));
  const pkg: BundlePackage = {
    name: PACKAGE,
    version: VERSION,
    document: { name: `HealOps-${PACKAGE}`, versionName: VERSION },
    targets: { type: 'tags', tags: { Role: ['web'] } },
    blastRadius: { maxConcurrency: '100%', maxErrors: '100%' },
    checks: SAMPLE_CHECKS,
  };
  const bundle: DeploymentBundle = { version: BUNDLE_VERSION, packages: [pkg], tickets: [] };
  let now = Date.now() - 4 * CYCLE_MS;
  const clock = { now: () => new Date(now), sleep: async () => {} };
  const store = new CountingStore();
  const fleet = new InstantFleet(hosts, clock);
  const published: HealOpsEvent[] = [];
  const logger = new Logger({ serviceName: 'healops-check' });
  const handler = createCheckHandler({
    bundle,
    store,
    fleet,
    executor: {
      run: async () => {
        throw new Error('the check path never runs a single job');
      },
    },
    publisher: { publish: async (events) => void published.push(...events) },
    clock,
    logger,
    sinks: [new PowertoolsEmfSink({ namespace: 'HealOps', dimensions }, { serviceName: 'healops-check' })],
  });

  const cycle = async (failingHosts: number): Promise<CycleFigures> => {
    store.reset();
    published.length = 0;
    fleet.failingHosts = failingHosts;
    const context = {
      functionName: 'healops-check',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:healops-check',
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 900_000,
    };
    const started = performance.now();
    const { value, lines } = await captureStdout(() =>
      handler({ package: PACKAGE, schedule: SCHEDULE }, context),
    );
    const wallMs = performance.now() - started;
    now += CYCLE_MS;
    const emf = lines.filter((l) => l.startsWith('{"_aws"'));
    const logs = lines.filter((l) => !l.startsWith('{"_aws"'));
    const series = countSeries(emf);
    const results = Object.values(value.counts).reduce((a, b) => a + b, 0);
    return {
      results,
      wallMs,
      emfBytes: bytes(emf),
      emfDocuments: emf.length,
      logBytes: bytes(logs),
      logLines: logs.length,
      perTargetSeries: series.perTarget,
      aggregateSeries: series.aggregate,
      events: published.map((e) => ({
        type: e.detailType,
        bytes: putEventsEntrySize({
          Source: HEALOPS_EVENT_SOURCE,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
          Time: new Date(e.detail.time),
        }),
      })),
      store: { ...store.counts },
    };
  };

  console.log(
    `check handler, ${hostCount} hosts x ${JOB_NAMES.length} linux-base jobs (all as checks) = ${hostCount * JOB_NAMES.length} results per cycle; EMF dimensions ${dimensions}; node ${process.version}`,
  );
  const labels = ['1 first run', '2 steady state', '3 one host soft-fails', '4 one host hard-fails'];
  const figures = [await cycle(0), await cycle(0), await cycle(1), await cycle(1)];
  for (const [i, f] of figures.entries()) print(labels[i] ?? String(i), f);
  const steady = figures[1];
  if (steady === undefined) return;
  const per = (n: number) => (n / steady.results).toFixed(3);
  console.log('\nsteady state, per result (the cost model inputs):');
  console.log(`  CPU ms per result here:          ${(steady.wallMs / steady.results).toFixed(3)}`);
  console.log(
    `  state reads / writes:            ${per(steady.store.stateReads)} / ${per(steady.store.stateWrites)}`,
  );
  console.log(
    `  read units / write units:        ${per(steady.store.readUnits)} / ${per(steady.store.writeUnits)}`,
  );
  console.log(`  audit items:                     ${per(steady.store.auditItems)}`);
  console.log(`  state item bytes (largest):      ${steady.store.maxStateItemBytes}`);
  console.log(`  EMF bytes:                       ${(steady.emfBytes / steady.results).toFixed(1)}`);
  console.log(`  per-target metric series:        ${per(steady.perTargetSeries)}`);
  console.log(`  aggregate series per package:    ${steady.aggregateSeries}`);
  console.log(`  Logger bytes per invocation:     ${steady.logBytes} (${steady.logLines} lines)`);
  const failed = figures[3]?.events.find((e) => e.type === 'HealOps Check Failed');
  console.log(`  Check Failed entry bytes:        ${failed?.bytes ?? 'none published'}`);
}

function print(label: string, f: CycleFigures): void {
  const s = f.store;
  console.log(
    `cycle ${label}: ${f.results} results in ${f.wallMs.toFixed(0)} ms; state ${s.stateReads} reads / ${s.stateWrites} writes (${s.transactionalSaves} with tickets), ${s.readUnits} RRU / ${s.writeUnits} WRU, ${s.auditItems} audit items, state item <= ${s.maxStateItemBytes} B; EMF ${f.emfDocuments} docs ${f.emfBytes} B, series ${f.perTargetSeries} per-target + ${f.aggregateSeries} aggregate; Logger ${f.logLines} lines ${f.logBytes} B; events ${f.events.map((e) => `${e.type} ${e.bytes} B`).join(', ') || 'none'}`,
  );
}

function bytes(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8'), 0);
}

await main();
