import { createHash, randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { HEALOPS_EVENT_SOURCE } from '@healops/core';
import { ACCOUNT, type AwsConfig, type SqsEvent } from '../../../notify/test/support/notify-moto.js';

// The HealOps bus on moto with one rule per Lambda, each targeting an SQS queue that stands in for the function:
// what a queue receives is what EventBridge would invoke that function with.

/** An EventBridge event as a rule's target receives it. */
export interface BusEvent {
  readonly version: string;
  readonly id: string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

export interface HealOpsBus {
  readonly name: string;
  /** Waits (up to 20 s, a safety limit) until `count` messages arrived on the function's queue; deletes them. */
  receive(fn: string, count: number): Promise<Message[]>;
  close(): void;
}

/** `rules`: function name -> the detail-types its rule routes to it. */
export async function createHealOpsBus(
  config: AwsConfig,
  rules: Readonly<Record<string, readonly string[]>>,
): Promise<HealOpsBus> {
  const name = `healops-${randomUUID().slice(0, 8)}`;
  const events = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  await events.send(new CreateEventBusCommand({ Name: name }));
  const queues = new Map<string, string>();
  for (const [fn, detailTypes] of Object.entries(rules)) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${fn}` }))).QueueUrl ?? '';
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    await events.send(
      new PutRuleCommand({
        Name: `${name}-${fn}`,
        EventBusName: name,
        EventPattern: JSON.stringify({ source: [HEALOPS_EVENT_SOURCE], 'detail-type': [...detailTypes] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: `${name}-${fn}`,
        EventBusName: name,
        Targets: [{ Id: fn, Arn: attributes.Attributes?.QueueArn }],
      }),
    );
    queues.set(fn, url);
  }
  return {
    name,
    close: () => {
      events.destroy();
      sqs.destroy();
    },
    async receive(fn, count) {
      const url = queues.get(fn);
      if (url === undefined) throw new Error(`no queue for ${fn}`);
      const messages: Message[] = [];
      const deadline = Date.now() + 20_000;
      while (messages.length < count && Date.now() < deadline) {
        const page = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const received = page.Messages ?? [];
        messages.push(...received);
        if (received.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: received.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      }
      return messages;
    },
  };
}

/**
 * The event a message carries, as EventBridge hands it to a Lambda target. moto leaves `account` out of the events
 * it sends to SQS (EventBridge always writes it); it is filled in here, only when missing.
 */
export function busEvent(message: Message): BusEvent {
  const event = JSON.parse(message.Body ?? '{}') as Omit<BusEvent, 'account'> & { account?: string };
  return { ...event, account: event.account ?? ACCOUNT };
}

/** Messages as the SQS event source mapping hands them to the notify function. */
export function sqsEvent(messages: readonly Message[], region: string): SqsEvent {
  return {
    Records: messages.map((m) => {
      const body = JSON.stringify(busEvent(m));
      return {
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body,
        attributes: { ...(m.Attributes ?? {}) },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs' as const,
        eventSourceARN: `arn:aws:sqs:${region}:${ACCOUNT}:healops`,
        awsRegion: region,
      };
    }),
  };
}

/** A table for Powertools Idempotency (partition key `id`); answers its name. */
export async function createIdempotencyTable(client: DynamoDBClient): Promise<string> {
  const tableName = `healops-idempotency-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
}

export { DynamoDBClient };
