import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AwsSecretResolver,
  createSsmClient,
  type DynamoStore,
  EventBridgePublisher,
  PowertoolsEmfSink,
  SsmExecutor,
  SsmFleetExecutor,
  SsmRunner,
} from '@healops/aws';
import {
  BUNDLE_VERSION,
  type BundlePackage,
  HEALOPS_DETAIL_TYPES,
  METRIC,
  problemDedupKey,
} from '@healops/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { instanceId, stateDir, wallClock } from '../../../packages/aws/test/support/repair-fixture.js';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../../packages/sinks/test/support/pagerduty-receiver.js';
import { type SsmEmulator, startSsmEmulator } from '../../../test/support/ssm-emulator/index.js';
import { createNotifyHandler } from '../../notify/src/notify-handler.js';
import { CapturingLogger } from '../../notify/test/support/capturing-logger.js';
import { lambdaContext } from '../../notify/test/support/lambda-context.js';
import { useNotifyMoto } from '../../notify/test/support/notify-moto.js';
import { buildRepairLambda } from '../../repair/src/repair-lambda.js';
import { readBundle } from '../../shared/src/bundle.js';
import { createCheckHandler } from '../src/check-handler.js';
import { bundlePackage, CHECK_SCHEDULE, DOCUMENT, PACKAGE } from './support/check-fixture.js';
import {
  busEvent,
  createHealOpsBus,
  createIdempotencyTable,
  DynamoDBClient,
  type HealOpsBus,
  sqsEvent,
} from './support/healops-bus.js';

// The whole AWS path on this machine, every peer real: a scheduled invocation of the check function runs the
// package's check through the SSM emulator (the document generated from the package) on three tagged hosts; the
// Check Failed events come back through an EventBridge rule and an SQS queue (moto) to the repair function, whose
// Escalated / Recovered events reach the notify function the same way, which triggers PagerDuty (the loopback
// receiver checks every body against PagerDuty's OpenAPI document) with the routing key from Secrets Manager.

const moto = useNotifyMoto();
const REGION = 'us-east-1';
/** PagerDuty routing keys are 32 characters. */
const ROUTING_KEY = 'healops-e2e-secret-routing-key01';
const CHECK = 'svc-up';

let emulator: SsmEmulator;
let receiver: PagerDutyReceiver;
let bus: HealOpsBus;
let store: DynamoStore;
let dynamo: DynamoDBClient;
let idempotencyTable = '';
let secretName = '';
let hostNumber = 0;
const dirs: string[] = [];
const loggers: CapturingLogger[] = [];
let emfLines: string[] = [];

beforeAll(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
  receiver = await startPagerDutyReceiver();
  const config = moto.clientConfig();
  store = await moto.store();
  dynamo = new DynamoDBClient(config);
  idempotencyTable = await createIdempotencyTable(dynamo);
  secretName = await moto.secret(ROUTING_KEY);
  bus = await createHealOpsBus(config, {
    repair: [HEALOPS_DETAIL_TYPES.checkFailed],
    notify: [HEALOPS_DETAIL_TYPES.escalated, HEALOPS_DETAIL_TYPES.recovered],
    check: [HEALOPS_DETAIL_TYPES.checkContinue],
  });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await receiver?.close();
  bus?.close();
  dynamo?.destroy();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

beforeEach(() => {
  emfLines = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws"')) {
      emfLines.push(text);
      return true;
    }
    return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const logger of loggers.splice(0)) {
    for (const line of logger.lines) expect(line).not.toContain(ROUTING_KEY);
  }
  for (const line of emfLines) expect(line).not.toContain(ROUTING_KEY);
  expect(receiver.problems).toEqual([]);
});

function logger(serviceName: string): CapturingLogger {
  const created = new CapturingLogger({ serviceName });
  loggers.push(created);
  return created;
}

function context(functionName: string, budgetMs = 120_000) {
  return { ...lambdaContext(budgetMs), functionName };
}

function ssmClient() {
  const client = createSsmClient({ endpoint: emulator.endpoint, region: REGION });
  client.config.credentials = async () => moto.clientConfig().credentials;
  return client;
}

function ssmExecutor(): SsmExecutor {
  return new SsmExecutor({
    client: ssmClient(),
    clock: wallClock,
    documents: (name) => (name === PACKAGE ? { documentName: DOCUMENT.name } : undefined),
    poll: { firstMs: 20, maxMs: 100 },
    deliveryTimeoutSeconds: 30,
  });
}

function publisher(): EventBridgePublisher {
  const config = moto.clientConfig();
  return new EventBridgePublisher({
    eventBusName: bus.name,
    region: REGION,
    endpoint: config.endpoint,
    clientConfig: { credentials: config.credentials },
  });
}

/** The bundle as the stack ships it: a JSON file the functions read at init. */
async function bundleFile(pkg: BundlePackage): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'healops-bundle-'));
  dirs.push(dir);
  const path = join(dir, 'healops-bundle.json');
  const tickets = [
    { type: 'pagerduty', name: 'pd', routingKey: `secretsmanager:${secretName}`, url: receiver.url },
  ];
  await writeFile(path, JSON.stringify({ version: BUNDLE_VERSION, packages: [pkg], tickets }));
  return path;
}

function checkFunction(bundlePath: string, marginMs = 1_000) {
  return createCheckHandler({
    bundle: readBundle(bundlePath),
    store,
    fleet: new SsmFleetExecutor(new SsmRunner(ssmClient()), { deliveryTimeoutSeconds: 30 }),
    executor: ssmExecutor(),
    publisher: publisher(),
    clock: wallClock,
    logger: logger('healops-check'),
    sinks: [new PowertoolsEmfSink({ namespace: 'HealOpsE2E' }, { serviceName: 'healops-check' })],
    pollIntervalMs: 50,
    marginMs,
  });
}

function repairFunction(bundlePath: string) {
  return buildRepairLambda({
    bundle: readBundle(bundlePath),
    store,
    executor: ssmExecutor(),
    publisher: publisher(),
    clock: wallClock,
    logger: logger('healops-repair'),
    idempotency: { tableName: idempotencyTable, client: dynamo },
  });
}

function notifyFunction(bundlePath: string) {
  const bundle = readBundle(bundlePath);
  return createNotifyHandler({
    store,
    routes: bundle.tickets,
    secrets: new AwsSecretResolver({ secretsManager: { clientConfig: moto.clientConfig() } }),
    environment: 'prod',
    logger: logger('healops-notify'),
    metrics: new Metrics({ namespace: 'HealOpsE2E', serviceName: 'healops-notify' }),
    delivery: { quickBackoff: { baseMs: 10, maxMs: 20 } },
  });
}

interface Host {
  readonly id: string;
  readonly dir: string;
}

async function newHost(tags: Record<string, string>, options: { online?: boolean; latencyMs?: number } = {}) {
  hostNumber += 1;
  const host: Host = { id: instanceId(0x200 + hostNumber), dir: await stateDir() };
  dirs.push(host.dir);
  emulator.addInstance({
    instanceId: host.id,
    platform: 'linux',
    tags,
    env: { SVC_STATE_DIR: host.dir },
    ...options,
  });
  return host;
}

async function repairRuns(host: Host): Promise<number> {
  const log = join(host.dir, 'repairs.log');
  return existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').length : 0;
}

const keyOf = (host: Host) => ({ package: PACKAGE, check: CHECK, target: host.id });

describe('the AWS path: check -> repair -> notify', () => {
  it('checks a tagged fleet, repairs and escalates through the bus, and triggers PagerDuty', async () => {
    const [fixed, broken, offline] = [
      await newHost({ Role: 'web' }),
      await newHost({ Role: 'web' }),
      await newHost({ Role: 'web' }, { online: false }),
    ] as [Host, Host, Host];
    await writeFile(join(broken.dir, 'broken'), '');
    const bundlePath = await bundleFile(bundlePackage({ type: 'tags', tags: { Role: ['web'] } }));

    // EventBridge Scheduler's invocation for the check's schedule.
    const check = await checkFunction(bundlePath)(
      { package: PACKAGE, schedule: CHECK_SCHEDULE },
      context('healops-check'),
    );
    expect(check).toMatchObject({ package: PACKAGE, continued: false, pending: 0, errors: [], published: 2 });
    expect(check.counts.repair).toBe(2);
    // Only the schedule's job was sent (the stats job has a schedule of its own).
    expect(new Set(emulator.commands.map((c) => c.parameters.job?.[0]))).toEqual(new Set(['check:svc-up']));
    expect((await store.load(keyOf(offline)))?.lastStatus).toBe('unknown');
    // The run's points reached the EMF sink.
    const emf = emfLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const statusPoints = emf.filter((doc) => METRIC.checkStatus in doc);
    expect(new Set(statusPoints.map((doc) => doc.target))).toEqual(
      new Set([fixed.id, broken.id, offline.id]),
    );
    // And the heartbeat the deployment's dead-man alarm watches.
    expect(emf.filter((doc) => METRIC.heartbeat in doc).map((doc) => doc.runner)).toEqual(['aws']);

    // The Check Failed events, as the repair rule delivers them: none for the offline (UNKNOWN) host.
    const failed = (await bus.receive('repair', 2)).map(busEvent);
    expect(failed.map((e) => e.detail.target).sort()).toEqual([fixed.id, broken.id].sort());
    expect(failed.every((e) => e.detail.correlationId === check.correlationId)).toBe(true);
    const eventFor = (host: Host) => {
      const found = failed.find((e) => e.detail.target === host.id);
      if (found === undefined) throw new Error(`no Check Failed event for ${host.id}`);
      return found;
    };

    const repair = repairFunction(bundlePath);
    // The same event delivered twice: one repair.
    const first = await repair(eventFor(fixed), context('healops-repair'));
    const again = await repair(eventFor(fixed), context('healops-repair'));
    expect(first).toMatchObject({ status: 'done', outcome: 'recovered', attempts: 1 });
    expect(again).toEqual(first);
    expect(await repairRuns(fixed)).toBe(1);
    // Two concurrent invocations for one target (say, two check runs reported it): one repair.
    const brokenEvent = eventFor(broken);
    const detail = brokenEvent.detail as { idempotencyKey: string };
    const racing = await Promise.all([
      repair(brokenEvent, context('healops-repair')),
      repair(
        { ...brokenEvent, detail: { ...detail, idempotencyKey: `${detail.idempotencyKey}-second-run` } },
        context('healops-repair'),
      ),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['done', 'skipped']);
    expect(racing.find((r) => r.status === 'done')).toMatchObject({ outcome: 'escalated' });
    expect(await repairRuns(broken)).toBe(1);
    expect((await store.load(keyOf(fixed)))?.lastStatus).toBe('ok');
    const queued = await store.list({ dedupKey: problemDedupKey(keyOf(broken)) });
    expect(queued.map((t) => [t.route, t.event.action, t.state])).toEqual([['pd', 'trigger', 'pending']]);

    // Recovered and Escalated, as the notify rule delivers them through its queue.
    const notices = await bus.receive('notify', 2);
    expect(notices.map((m) => busEvent(m)['detail-type']).sort()).toEqual([
      HEALOPS_DETAIL_TYPES.escalated,
      HEALOPS_DETAIL_TYPES.recovered,
    ]);
    const notify = await notifyFunction(bundlePath)(sqsEvent(notices, REGION), context('healops-notify'));
    expect(notify).toEqual({ batchItemFailures: [] });
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]).toMatchObject({
      event_action: 'trigger',
      dedup_key: problemDedupKey(keyOf(broken)),
    });
    expect((await store.list({ dedupKey: problemDedupKey(keyOf(broken)) }))[0]?.state).toBe('delivered');
  });

  it('continues a run whose time ran out through a Check Continue event on the bus', async () => {
    const slow = await newHost({ Role: 'slow' }, { latencyMs: 1_500 });
    await writeFile(join(slow.dir, 'up'), '');
    const bundlePath = await bundleFile(bundlePackage({ type: 'instanceIds', instanceIds: [slow.id] }));
    const handler = checkFunction(bundlePath, 1_000);
    // 300 ms to spare after the margin: the host answers later.
    const started = await handler(
      { package: PACKAGE, schedule: CHECK_SCHEDULE },
      context('healops-check', 1_300),
    );
    expect(started).toMatchObject({ continued: true, pending: 1, continuation: 0 });
    const [message] = await bus.receive('check', 1);
    if (message === undefined) throw new Error('no Check Continue event');
    const event = busEvent(message);
    expect(event['detail-type']).toBe(HEALOPS_DETAIL_TYPES.checkContinue);
    expect(event.detail).toMatchObject({
      package: PACKAGE,
      continuation: 1,
      correlationId: started.correlationId,
    });

    const resumed = await handler(event, context('healops-check'));
    expect(resumed).toMatchObject({ continued: false, pending: 0, continuation: 1, errors: [] });
    expect(resumed.correlationId).toBe(started.correlationId);
    expect(resumed.counts.ok).toBe(1);
    expect((await store.load(keyOf(slow)))?.lastStatus).toBe('ok');
    // One command was sent: the continuation only collected it.
    expect(emulator.invocations.filter((i) => i.instanceId === slow.id)).toHaveLength(1);
  });

  it('refuses a schedule the bundle does not have, naming it', async () => {
    const bundlePath = await bundleFile(bundlePackage({ type: 'tags', tags: { Role: ['none'] } }));
    await expect(
      checkFunction(bundlePath)({ package: PACKAGE, schedule: 'rate(7 hours)' }, context('healops-check')),
    ).rejects.toThrow(/no job on the schedule "rate\(7 hours\)"/);
    await expect(
      checkFunction(bundlePath)({ package: PACKAGE, schedule: 42 }, context('healops-check')),
    ).rejects.toThrow();
  });
});
