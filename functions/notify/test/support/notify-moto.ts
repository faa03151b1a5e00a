import { createHash, randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DYNAMO_TABLE_SCHEMA, DynamoStore, dynamoCreateTableInput } from '@healops/aws';
import { afterAll, beforeAll } from 'vitest';
import { MotoServer } from '../../../../test/support/moto.js';
import { NOTIFY_DETAIL_TYPES } from '../../src/notify-input.js';

// moto for the notify tests (one server per test file): a DynamoDB table per store(), a Secrets Manager secret, and an SQS
// queue fed by an EventBridge rule on a custom bus, so the SQS records the handler gets are the ones EventBridge
// and SQS really produce. Missing moto fails every test (MotoServer.start throws).

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };
export const ACCOUNT = '123456789012';

export interface NotifyMoto {
  /** A DynamoStore on a fresh table (DYNAMO_TABLE_SCHEMA, TTL on), closed after the file's tests. */
  store(): Promise<DynamoStore>;
  /** Stores `value` as a new Secrets Manager secret; returns its name. */
  secret(value: string): Promise<string>;
  /** Client options aimed at moto (for AwsSecretResolver's providers). */
  clientConfig(): AwsConfig;
  /** A fresh bus with a rule routing the notify detail-types to a fresh queue. */
  queue(): Promise<NotifyQueue>;
}

export interface AwsConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: typeof CREDENTIALS;
}

export interface NotifyQueue {
  /** Puts the events on the bus and returns the SQS messages they became, as a Lambda SQS event. */
  deliver(entries: readonly PutEventsRequestEntry[]): Promise<SqsEvent>;
}

export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEvent {
  readonly Records: SqsEventRecord[];
}

export function useNotifyMoto(): NotifyMoto {
  let moto: MotoServer | undefined;
  let setupError: unknown;
  const closers: Array<() => void> = [];
  beforeAll(async () => {
    try {
      moto = await MotoServer.start();
    } catch (error) {
      setupError = error;
    }
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) close();
    await moto?.stop();
  });
  const clientConfig = (): AwsConfig => {
    if (setupError !== undefined) throw setupError;
    if (moto === undefined) throw new Error('moto did not start');
    return { region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS };
  };
  return {
    clientConfig,
    async store() {
      const config = clientConfig();
      const raw = new DynamoDBClient(config);
      const tableName = `healops-${randomUUID()}`;
      try {
        await raw.send(new CreateTableCommand(dynamoCreateTableInput(tableName)));
        await raw.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: {
              AttributeName: DYNAMO_TABLE_SCHEMA.timeToLiveAttribute,
              Enabled: true,
            },
          }),
        );
      } finally {
        raw.destroy();
      }
      const store = new DynamoStore({ tableName, client: config });
      closers.push(() => store.close());
      return store;
    },
    async secret(value) {
      const client = new SecretsManagerClient(clientConfig());
      try {
        const name = `healops/pagerduty/${randomUUID()}`;
        await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
        return name;
      } finally {
        client.destroy();
      }
    },
    async queue() {
      const queue = await createQueue(clientConfig());
      closers.push(queue.close);
      return queue;
    },
  };
}

async function createQueue(config: AwsConfig): Promise<NotifyQueue & { close(): void }> {
  const suffix = randomUUID().slice(0, 8);
  const bus = `healops-${suffix}`;
  const events = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `healops-notify-${suffix}` }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn ?? '';
  await events.send(
    new PutRuleCommand({
      Name: 'healops-notify',
      EventBusName: bus,
      EventPattern: JSON.stringify({ 'detail-type': [...NOTIFY_DETAIL_TYPES] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'healops-notify',
      EventBusName: bus,
      Targets: [{ Id: 'notify-queue', Arn: queueArn }],
    }),
  );
  return {
    close: () => {
      events.destroy();
      sqs.destroy();
    },
    async deliver(entries) {
      const put = await events.send(
        new PutEventsCommand({ Entries: entries.map((e) => ({ ...e, EventBusName: bus })) }),
      );
      if ((put.FailedEntryCount ?? 0) > 0)
        throw new Error(`PutEvents failed: ${JSON.stringify(put.Entries)}`);
      const messages: Message[] = [];
      // Safety limit only: moto delivers to the queue inside PutEvents.
      const deadline = Date.now() + 20_000;
      while (messages.length < entries.length && Date.now() < deadline) {
        const page = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const received = page.Messages ?? [];
        messages.push(...received);
        if (received.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: received.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      }
      return { Records: messages.map((m) => lambdaRecord(m, queueArn, config.region)) };
    },
  };
}

/**
 * An SQS message as the Lambda event source mapping hands it over. moto leaves `account` out of the events it sends
 * to an SQS target (EventBridge always writes it: the account the event was put in); it is filled in here, and
 * only when missing, so the bodies are shaped as AWS delivers them.
 */
function lambdaRecord(message: Message, queueArn: string, region: string): SqsEventRecord {
  const body = withAccount(message.Body ?? '');
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: { ...(message.Attributes ?? {}) },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function withAccount(body: string): string {
  const event = JSON.parse(body) as Record<string, unknown>;
  return 'account' in event ? body : JSON.stringify({ ...event, account: ACCOUNT });
}
