import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
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
import { BUNDLE_VERSION, type DeploymentBundle, HEALOPS_EVENT_SOURCE } from '@healops/core';
import { afterAll, beforeAll } from 'vitest';
import { SsmExecutor } from '../../../../packages/aws/src/ssm/ssm-executor.js';
import {
  FIXTURE_CHECKS,
  FIXTURE_DOCUMENT,
  FIXTURE_PACKAGE,
  fixtureCheck,
  instanceId,
  stateDir,
  wallClock,
} from '../../../../packages/aws/test/support/repair-fixture.js';
import { MotoServer } from '../../../../test/support/moto.js';
import { type SsmEmulator, startSsmEmulator } from '../../../../test/support/ssm-emulator/index.js';
import { buildRepairLambda } from '../../src/repair-lambda.js';

// The world the repair Lambda tests run in: state, outbox and idempotency tables in DynamoDB (moto), the SSM
// emulator with the package's generated document, and an SQS queue behind an EventBridge rule on the HealOps bus
// (moto) to read the published events back.

export const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSREPAIR', secretAccessKey: 'healops-repair-test-secret' };
const BUS = 'healops-repair-test';
const HOOK_SECRET_REF = 'env:HEALOPS_TEST_HOOK_SECRET';
export const CHECK = fixtureCheck('svc-up');

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

export interface Host {
  readonly id: string;
  readonly dir: string;
}

export interface PublishedEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export class RepairWorld {
  /** Every event read from the queue so far, in order. */
  readonly received: PublishedEvent[] = [];
  #moto: MotoServer | undefined;
  #setupError: unknown;
  #emulator: SsmEmulator | undefined;
  #dynamo: DynamoDBClient | undefined;
  #sqs: SQSClient | undefined;
  #events: EventBridgeClient | undefined;
  #store: DynamoStore | undefined;
  #idempotencyTable = '';
  #queueUrl = '';
  readonly #dirs: string[] = [];
  #hostNumber = 0;

  get emulator(): SsmEmulator {
    if (this.#emulator === undefined) throw new Error('the SSM emulator did not start');
    return this.#emulator;
  }

  get store(): DynamoStore {
    this.server();
    if (this.#store === undefined) throw new Error('the DynamoStore was not built');
    return this.#store;
  }

  async start(): Promise<void> {
    this.#emulator = await startSsmEmulator({ timeScale: 0.01 });
    this.#emulator.addDocument(FIXTURE_DOCUMENT.name, FIXTURE_DOCUMENT.content);
    try {
      this.#moto = await MotoServer.start();
      const config = { region: REGION, endpoint: this.#moto.endpoint, credentials: CREDENTIALS };
      const dynamo = new DynamoDBClient(config);
      const sqs = new SQSClient(config);
      const events = new EventBridgeClient(config);
      [this.#dynamo, this.#sqs, this.#events] = [dynamo, sqs, events];
      const tableName = `healops-${randomUUID()}`;
      await dynamo.send(new CreateTableCommand(dynamoCreateTableInput(tableName)));
      this.#idempotencyTable = `healops-idempotency-${randomUUID()}`;
      await dynamo.send(
        new CreateTableCommand({
          TableName: this.#idempotencyTable,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      this.#store = new DynamoStore({ tableName, client: dynamo });
      await events.send(new CreateEventBusCommand({ Name: BUS }));
      this.#queueUrl =
        (await sqs.send(new CreateQueueCommand({ QueueName: 'healops-repair-events' }))).QueueUrl ?? '';
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: this.#queueUrl, AttributeNames: ['QueueArn'] }),
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
      this.#setupError = error;
    }
  }

  async stop(): Promise<void> {
    await this.#emulator?.close();
    this.#dynamo?.destroy();
    this.#sqs?.destroy();
    this.#events?.destroy();
    await this.#moto?.stop();
    await Promise.all(this.#dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** The moto server; the setup error (moto missing, say) when it did not start, so the test fails. */
  server(): MotoServer {
    if (this.#setupError !== undefined) throw this.#setupError;
    if (this.#moto === undefined) throw new Error('moto did not start');
    return this.#moto;
  }

  ssmExecutor(): SsmExecutor {
    const client = createSsmClient({ endpoint: this.emulator.endpoint, region: REGION });
    client.config.credentials = async () => CREDENTIALS;
    return new SsmExecutor({
      client,
      clock: wallClock,
      documents: (name) => (name === FIXTURE_PACKAGE ? { documentName: FIXTURE_DOCUMENT.name } : undefined),
      poll: { firstMs: 20, maxMs: 100 },
      deliveryTimeoutSeconds: 30,
    });
  }

  /** The repair Lambda; `eventBusName` overrides the HealOps bus (a bus that does not exist refuses every event). */
  lambda(options: { readonly eventBusName?: string } = {}) {
    const store = this.store;
    const dynamo = this.#dynamo;
    if (dynamo === undefined) throw new Error('the DynamoDB client was not built');
    return buildRepairLambda({
      bundle: BUNDLE,
      store,
      executor: this.ssmExecutor(),
      publisher: new EventBridgePublisher({
        eventBusName: options.eventBusName ?? BUS,
        region: REGION,
        endpoint: this.server().endpoint,
        clientConfig: { credentials: CREDENTIALS },
      }),
      clock: wallClock,
      logger: new Logger({ serviceName: 'healops-repair-test', logLevel: 'ERROR' }),
      idempotency: { tableName: this.#idempotencyTable, client: dynamo },
    });
  }

  /** A new emulated web host whose service is down. */
  async newHost(): Promise<Host> {
    this.#hostNumber += 1;
    const id = instanceId(0x100 + this.#hostNumber);
    const dir = await stateDir();
    this.#dirs.push(dir);
    this.emulator.addInstance({ instanceId: id, platform: 'linux', env: { SVC_STATE_DIR: dir } });
    return { id, dir };
  }

  /** The events published for `target` so far (read from the queue; waits until `count` arrived). */
  async publishedFor(target: string, count: number): Promise<string[]> {
    const sqs = this.#sqs;
    if (sqs === undefined) throw new Error('the SQS client was not built');
    const until = Date.now() + 15_000;
    const mine = () => this.received.filter((e) => e.detail.target === target);
    while (mine().length < count && Date.now() < until) {
      const answer = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.#queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of answer.Messages ?? []) {
        const body = JSON.parse(message.Body ?? '{}') as {
          'detail-type': string;
          detail: Record<string, unknown>;
        };
        this.received.push({ detailType: body['detail-type'], detail: body.detail });
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    return mine().map((e) => e.detailType);
  }
}

/** Starts the world before the file's tests (failures surface in each test, never as a skip) and stops it after. */
export function useRepairWorld(): RepairWorld {
  const world = new RepairWorld();
  beforeAll(() => world.start(), 60_000);
  afterAll(() => world.stop());
  return world;
}
