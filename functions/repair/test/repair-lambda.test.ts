import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSsmClient, DynamoStore, dynamoCreateTableInput, EventBridgePublisher } from '@healops/aws';
import {
  BUNDLE_VERSION,
  type CheckFailedDetail,
  checkFailedEvent,
  type DeploymentBundle,
  type EngineDeps,
  evaluateResult,
  executeCheck,
  HEALOPS_EVENT_SOURCE,
  problemDedupKey,
  runPoints,
} from '@healops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsmExecutor } from '../../../packages/aws/src/ssm/ssm-executor.js';
import {
  FIXTURE_CHECKS,
  FIXTURE_DOCUMENT,
  FIXTURE_PACKAGE,
  fixtureCheck,
  instanceId,
  stateDir,
  wallClock,
} from '../../../packages/aws/test/support/repair-fixture.js';
import { MotoServer } from '../../../test/support/moto.js';
import { type SsmEmulator, startSsmEmulator } from '../../../test/support/ssm-emulator/index.js';
import { buildRepairLambda } from '../src/repair-lambda.js';

// The repair Lambda end to end: state, outbox and idempotency records in DynamoDB (moto), the repair and its re-check
// run by the SSM emulator from the package's generated document, and the published events read back from an SQS
// queue behind an EventBridge rule on the HealOps bus (moto). The failing state is recorded the way the check
// function records it (executeCheck + evaluateResult through the same executor and store).

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSREPAIR', secretAccessKey: 'healops-repair-test-secret' };
const BUS = 'healops-repair-test';
const HOOK_SECRET_REF = 'env:HEALOPS_TEST_HOOK_SECRET';
const CHECK = fixtureCheck('svc-up');

const BUNDLE: DeploymentBundle = {
  version: BUNDLE_VERSION,
  packages: [
    {
      name: FIXTURE_PACKAGE,
      version: '1.2.0',
      document: { name: FIXTURE_DOCUMENT.name, versionName: FIXTURE_DOCUMENT.versionName },
      targets: { type: 'tags', tags: { Role: ['web'] } },
      blastRadius: { maxConcurrency: '25%', maxErrors: '10%' },
      checks: FIXTURE_CHECKS,
    },
  ],
  tickets: [
    { type: 'webhook', name: 'ops-hook', url: 'https://hooks.example.com/healops', secret: HOOK_SECRET_REF },
  ],
};

let moto: MotoServer | undefined;
let setupError: unknown;
let emulator: SsmEmulator;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let events: EventBridgeClient;
let store: DynamoStore;
let tableName = '';
let idempotencyTable = '';
let queueUrl = '';
const received: Array<{ detailType: string; detail: Record<string, unknown> }> = [];
const dirs: string[] = [];
let hostNumber = 0;

beforeAll(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument(FIXTURE_DOCUMENT.name, FIXTURE_DOCUMENT.content);
  try {
    moto = await MotoServer.start();
    const config = { region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS };
    dynamo = new DynamoDBClient(config);
    sqs = new SQSClient(config);
    events = new EventBridgeClient(config);
    tableName = `healops-${randomUUID()}`;
    await dynamo.send(new CreateTableCommand(dynamoCreateTableInput(tableName)));
    idempotencyTable = `healops-idempotency-${randomUUID()}`;
    await dynamo.send(
      new CreateTableCommand({
        TableName: idempotencyTable,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    store = new DynamoStore({ tableName, client: dynamo });
    await events.send(new CreateEventBusCommand({ Name: BUS }));
    queueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: 'healops-repair-events' }))).QueueUrl ?? '';
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'healops-all',
        EventBusName: BUS,
        EventPattern: JSON.stringify({ source: [HEALOPS_EVENT_SOURCE] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'healops-all',
        EventBusName: BUS,
        Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
      }),
    );
  } catch (error) {
    setupError = error;
  }
}, 60_000);

afterAll(async () => {
  await emulator.close();
  dynamo?.destroy();
  sqs?.destroy();
  events?.destroy();
  await moto?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function server(): MotoServer {
  if (setupError !== undefined) throw setupError;
  if (moto === undefined) throw new Error('moto did not start');
  return moto;
}

function ssmExecutor(): SsmExecutor {
  const client = createSsmClient({ endpoint: emulator.endpoint, region: REGION });
  client.config.credentials = async () => CREDENTIALS;
  return new SsmExecutor({
    client,
    clock: wallClock,
    documents: (name) => (name === FIXTURE_PACKAGE ? { documentName: FIXTURE_DOCUMENT.name } : undefined),
    poll: { firstMs: 20, maxMs: 100 },
    deliveryTimeoutSeconds: 30,
  });
}

function lambda() {
  return buildRepairLambda({
    bundle: BUNDLE,
    store,
    executor: ssmExecutor(),
    publisher: new EventBridgePublisher({
      eventBusName: BUS,
      region: REGION,
      endpoint: server().endpoint,
      clientConfig: { credentials: CREDENTIALS },
    }),
    clock: wallClock,
    logger: new Logger({ serviceName: 'healops-repair-test', logLevel: 'ERROR' }),
    idempotency: { tableName: idempotencyTable, client: dynamo },
  });
}

function context(requestId = randomUUID()) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'healops-repair',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:healops-repair`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/healops-repair',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 120_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function envelope(detail: CheckFailedDetail) {
  return {
    version: '0',
    id: randomUUID(),
    source: HEALOPS_EVENT_SOURCE,
    account: '123456789012',
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    'detail-type': 'HealOps Check Failed',
    detail,
  };
}

interface Host {
  readonly id: string;
  readonly dir: string;
}

/** A new emulated web host whose service is down. */
async function newHost(): Promise<Host> {
  hostNumber += 1;
  const id = instanceId(0x100 + hostNumber);
  const dir = await stateDir();
  dirs.push(dir);
  emulator.addInstance({ instanceId: id, platform: 'linux', env: { SVC_STATE_DIR: dir } });
  return { id, dir };
}

/** What the check function does for a hard failure: run the check, record it, save, and build the event. */
async function recordFailure(host: Host): Promise<CheckFailedDetail> {
  server();
  const deps: EngineDeps = {
    executor: ssmExecutor(),
    state: store,
    audit: store,
    sinks: [],
    clock: wallClock,
  };
  const settings = { dryRun: false, maxOutputBytes: 64 * 1024, leaseOwner: 'lambda:healops-check:test' };
  const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
  const first = await executeCheck(deps, settings, CHECK, key);
  expect(first.status).toBe('critical');
  const evaluated = await evaluateResult(
    deps,
    settings,
    { check: CHECK, target: host.id, failingParents: async () => [], maintenance: () => undefined },
    first,
    { events: [], points: runPoints(CHECK, first) },
  );
  if (evaluated.kind !== 'repair') throw new Error(`expected a repair verdict, got ${evaluated.kind}`);
  await evaluated.changes.persist();
  return checkFailedEvent({
    check: CHECK,
    run: first,
    state: evaluated.changes.state,
    at: new Date(),
    correlationId: `corr-${host.id}`,
  }).detail;
}

/** The events published for `target` so far (read from the queue; waits until `count` arrived). */
async function publishedFor(target: string, count: number): Promise<string[]> {
  const until = Date.now() + 15_000;
  const mine = () => received.filter((e) => e.detail.target === target);
  while (mine().length < count && Date.now() < until) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of answer.Messages ?? []) {
      const body = JSON.parse(message.Body ?? '{}') as {
        'detail-type': string;
        detail: Record<string, unknown>;
      };
      received.push({ detailType: body['detail-type'], detail: body.detail });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return mine().map((e) => e.detailType);
}

async function repairRuns(host: Host): Promise<number> {
  const log = join(host.dir, 'repairs.log');
  return existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').length : 0;
}

function repairCommands(host: Host): number {
  return emulator.commands.filter(
    (c) =>
      c.parameters.job?.[0] === 'repair:svc-up' &&
      emulator.invocations.some((i) => i.commandId === c.commandId && i.instanceId === host.id),
  ).length;
}

describe('repair Lambda', () => {
  it('repairs the target, re-checks it and publishes Repair Succeeded and Recovered', async () => {
    const host = await newHost();
    const detail = await recordFailure(host);
    const result = await lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'recovered', attempts: 1 });
    expect(await repairRuns(host)).toBe(1);
    const state = await store.load({ package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id });
    expect(state?.lastStatus).toBe('ok');
    expect(state?.repairLeaseUntil).toBeNull();
    expect(state?.problem).toBeNull();
    expect(await publishedFor(host.id, 2)).toEqual(['HealOps Repair Succeeded', 'HealOps Recovered']);
    const recovered = received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Recovered',
    );
    expect(recovered?.detail.correlationId).toBe(`corr-${host.id}`);
    // The repair read the failing run on stdin.
    const stdin = JSON.parse(await readFile(join(host.dir, 'last-stdin'), 'utf8')) as { status: string };
    expect(stdin.status).toBe('critical');
  });

  it('escalates a repair that does not fix the check, with the ticket trigger queued in the outbox', async () => {
    const host = await newHost();
    await writeFile(join(host.dir, 'broken'), '');
    const detail = await recordFailure(host);
    const result = await lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'escalated', attempts: 1 });
    const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
    const state = await store.load(key);
    expect(state?.problem?.reason).toBe('repair-failed');
    const tickets = await store.list({ dedupKey: problemDedupKey(key) });
    expect(tickets.map((t) => [t.route, t.event.action, t.state])).toEqual([
      ['ops-hook', 'trigger', 'pending'],
    ]);
    expect(await publishedFor(host.id, 2)).toEqual(['HealOps Repair Failed', 'HealOps Escalated']);
    const escalated = received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Escalated',
    );
    expect(escalated?.detail.ticket).toMatchObject({ action: 'trigger' });
  });

  it('repairs once when the same event is delivered twice', async () => {
    const host = await newHost();
    const detail = await recordFailure(host);
    const event = envelope(detail);
    const handler = lambda();
    const first = await handler(event, context());
    const second = await handler(event, context());
    expect(first).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect(second).toEqual(first);
    expect(await repairRuns(host)).toBe(1);
    expect(repairCommands(host)).toBe(1);
  });

  it('runs one repair when two invocations race for the same failure; the other skips', async () => {
    const host = await newHost();
    const detail = await recordFailure(host);
    const other = { ...detail, idempotencyKey: `${detail.idempotencyKey}-redelivered-by-a-second-check-run` };
    const handler = lambda();
    const results = await Promise.all([
      handler(envelope(detail), context()),
      handler(envelope(other), context()),
    ]);
    const done = results.filter((r) => r.status === 'done');
    const skipped = results.filter((r) => r.status === 'skipped');
    expect(done).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(['lease-held', 'already-repaired', 'passed-since']).toContain(
      skipped[0]?.status === 'skipped' ? skipped[0].reason : '',
    );
    expect(await repairRuns(host)).toBe(1);
    expect(repairCommands(host)).toBe(1);
  });

  it('escalates, never recovers, when the target is offline for the repair', async () => {
    const host = await newHost();
    const detail = await recordFailure(host);
    emulator.setOnline(host.id, false);
    const result = await lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'done', outcome: 'escalated', attempts: 1 });
    expect(await repairRuns(host)).toBe(0);
    const state = await store.load({ package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id });
    expect(state?.problem).not.toBeNull();
    expect(state?.lastStatus).toBe('critical');
    const types = await publishedFor(host.id, 2);
    expect(types).toEqual(['HealOps Repair Failed', 'HealOps Escalated']);
    expect(types).not.toContain('HealOps Recovered');
    const failed = received.find(
      (e) => e.detail.target === host.id && e.detailType === 'HealOps Repair Failed',
    );
    expect(failed?.detail.attempt).toMatchObject({ exitCode: null, verifyStatus: null });
  });

  it('skips an event whose target passed since', async () => {
    const host = await newHost();
    const detail = await recordFailure(host);
    await writeFile(join(host.dir, 'up'), '');
    // The next check run (as the check function records it) passes.
    const deps: EngineDeps = {
      executor: ssmExecutor(),
      state: store,
      audit: store,
      sinks: [],
      clock: wallClock,
    };
    const settings = { dryRun: false, maxOutputBytes: 64 * 1024 };
    const key = { package: FIXTURE_PACKAGE, check: CHECK.name, target: host.id };
    const next = await executeCheck(deps, settings, CHECK, key);
    const evaluated = await evaluateResult(
      deps,
      settings,
      { check: CHECK, target: host.id, failingParents: async () => [], maintenance: () => undefined },
      next,
      { events: [], points: [] },
    );
    expect(evaluated.kind).toBe('decided');
    const result = await lambda()(envelope(detail), context());
    expect(result).toMatchObject({ status: 'skipped', reason: 'passed-since' });
    expect(await repairRuns(host)).toBe(0);
  });
});
