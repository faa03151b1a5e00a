import { readFileSync } from 'node:fs';
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
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  detailTypeSlug,
  EVENT_LIMITS,
  EventPublishError,
  HEALOPS_DETAIL_TYPE_LIST,
  HEALOPS_EVENT_SOURCE,
  type HealOpsDetailType,
  type HealOpsEvent,
  parseHealOpsEvent,
  putEventsEntrySize,
} from '@healops/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MotoServer } from '../../../test/support/moto.js';
import { DISK_OUTPUT, sampleEvents } from '../../core/test/support/event-fixtures.js';
import { EventBridgePublisher, type EventBridgePublisherOptions } from '../src/eventbridge-publisher.js';
import { acceptAll, EventBridgeWire, type WireEntry } from './support/eventbridge-wire.js';

// EventBridgePublisher through the real @aws-sdk/client-eventbridge: against moto_server (a custom bus, a rule on
// source healops with an SQS target, read back with the real @aws-sdk/client-sqs) and against a loopback server
// speaking PutEvents over JSON 1.1 for failed entries and throttling, which moto does not produce.

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };
const BUS = 'healops-test-bus';

/** 25 events of every detail-type, for 25 targets. */
function manyEvents(perType = 25): HealOpsEvent[] {
  return Array.from({ length: perType }, (_, i) => sampleEvents(i)).flat();
}

/** The detail-types sampleEvents builds one of each (every one a check, repair or problem publishes). */
const SAMPLED_TYPES = sampleEvents(0).map((e) => e.detailType);

const schemasDir = new URL('../../../schemas/events/', import.meta.url);
const ajv = new Ajv2020({ allErrors: true });
ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
const validators = new Map(
  HEALOPS_DETAIL_TYPE_LIST.map((t) => [
    t as string,
    ajv.compile(
      JSON.parse(readFileSync(new URL(`${detailTypeSlug(t)}.schema.json`, schemasDir), 'utf8')) as object,
    ),
  ]),
);

async function publishError(publisher: EventBridgePublisher, events: readonly HealOpsEvent[]) {
  const error: unknown = await publisher.publish(events).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EventPublishError);
  return error as EventPublishError;
}

/** No detail text of any event may show in an error message. */
function expectNoPayload(message: string): void {
  expect(message).not.toContain('DISK CRITICAL');
  expect(message).not.toContain(DISK_OUTPUT.slice(0, 40));
  expect(message).not.toContain('logrotate');
  expect(message).not.toContain('"version"');
  expect(message).not.toContain('corr-');
}

describe('EventBridgePublisher against moto (bus, rule, SQS target)', () => {
  let moto: MotoServer | undefined;
  let setupError: unknown;
  let queueUrl = '';
  let sqs: SQSClient | undefined;
  let events: EventBridgeClient | undefined;

  beforeAll(async () => {
    try {
      moto = await MotoServer.start();
      const config = { region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS };
      events = new EventBridgeClient(config);
      sqs = new SQSClient(config);
      await events.send(new CreateEventBusCommand({ Name: BUS }));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'healops-events' }));
      queueUrl = queue.QueueUrl ?? '';
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
  });

  afterAll(async () => {
    events?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  function server(): MotoServer {
    if (setupError !== undefined) throw setupError;
    if (moto === undefined) throw new Error('moto did not start');
    return moto;
  }

  function publisher(options: Partial<EventBridgePublisherOptions> = {}): EventBridgePublisher {
    return new EventBridgePublisher({
      eventBusName: BUS,
      region: REGION,
      endpoint: server().endpoint,
      clientConfig: { credentials: CREDENTIALS },
      sleep: async () => {},
      ...options,
    });
  }

  async function drainQueue(expected: number): Promise<Array<Record<string, unknown>>> {
    const client = sqs;
    if (client === undefined) throw new Error('no SQS client');
    const messages: Array<Record<string, unknown>> = [];
    // Safety limit only: moto delivers synchronously inside PutEvents.
    const deadline = Date.now() + 20_000;
    while (messages.length < expected && Date.now() < deadline) {
      const page = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const received = page.Messages ?? [];
      for (const m of received) messages.push(JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
      if (received.length > 0)
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: received.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
    }
    return messages;
  }

  it('publishes 25 events of every detail-type; each arrives once and validates against its published JSON schema', async () => {
    const published = manyEvents(25);
    expect(published).toHaveLength(125);
    const bus = publisher();
    await bus.publish(published);
    bus.destroy();

    const received = await drainQueue(published.length);
    expect(received).toHaveLength(published.length);
    const byKey = new Map<string, HealOpsEvent>(
      published.map((e) => [`${e.detailType}|${e.detail.dedupKey}`, e] as const),
    );
    const seen = new Set<string>();
    for (const message of received) {
      expect(message.source).toBe('healops');
      const detailType = message['detail-type'] as HealOpsDetailType;
      const validate = validators.get(detailType);
      expect(validate, `no schema for ${detailType}`).toBeDefined();
      expect(validate?.(message.detail), JSON.stringify(validate?.errors)).toBe(true);
      const event = parseHealOpsEvent(detailType, message.detail);
      const key = `${event.detailType}|${event.detail.dedupKey}`;
      expect(event).toEqual(byKey.get(key));
      seen.add(key);
    }
    expect(seen.size).toBe(published.length);
    const perType = SAMPLED_TYPES.map((t) => received.filter((m) => m['detail-type'] === t).length);
    expect(perType).toEqual([25, 25, 25, 25, 25]);
  });

  it('reports every event as not published when the bus does not exist, without their details', async () => {
    const bus = publisher({ eventBusName: 'no-such-bus' });
    const sent = sampleEvents(0);
    const error = await publishError(bus, sent);
    bus.destroy();
    expect(error.failed).toHaveLength(sent.length);
    expect(error.failed.map((f) => f.detailType)).toEqual(SAMPLED_TYPES);
    expect(error.failed.every((f) => f.errorCode === 'ResourceNotFoundException')).toBe(true);
    expect(error.message).toContain('EventBridge bus no-such-bus');
    expect(error.message).toContain('5 of 5 events not published');
    expectNoPayload(error.message);
  });
});

describe('EventBridgePublisher against a PutEvents wire server', () => {
  let wire: EventBridgeWire | undefined;
  const waits: number[] = [];

  afterEach(async () => {
    await wire?.close();
    wire = undefined;
    waits.length = 0;
  });

  async function publisher(options: Partial<EventBridgePublisherOptions> = {}) {
    wire = await EventBridgeWire.start();
    const bus = new EventBridgePublisher({
      eventBusName: BUS,
      region: REGION,
      endpoint: wire.endpoint,
      clientConfig: { credentials: CREDENTIALS },
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    });
    return { wire, bus };
  }

  const sizeOf = (e: WireEntry) =>
    putEventsEntrySize({
      Source: e.Source ?? '',
      DetailType: e.DetailType ?? '',
      Detail: e.Detail ?? '',
      Time: new Date(),
    });

  it('sends at most 10 entries per request, each request under the size limit, with bus, source, detail and time', async () => {
    const { wire, bus } = await publisher();
    const events = manyEvents(5);
    await bus.publish(events);
    expect(wire.requests.map((r) => r.entries.length)).toEqual([10, 10, 5]);
    expect(wire.requests[0]?.contentType).toBe('application/x-amz-json-1.1');
    const entries = wire.requests.flatMap((r) => r.entries);
    expect(entries.map((e) => e.DetailType)).toEqual(events.map((e) => e.detailType));
    for (const [i, entry] of entries.entries()) {
      const event = events[i];
      expect(entry.EventBusName).toBe(BUS);
      expect(entry.Source).toBe('healops');
      expect(JSON.parse(entry.Detail ?? '')).toEqual(event?.detail);
      expect(entry.Time).toBe(Date.parse(event?.detail.time ?? '') / 1000);
    }
  });

  it('splits by size when entries are large', async () => {
    const requestBytes = 6_000;
    const { wire, bus } = await publisher({ requestBytes });
    await bus.publish(manyEvents(4));
    expect(wire.requests.length).toBeGreaterThan(2);
    expect(wire.requests.flatMap((r) => r.entries)).toHaveLength(20);
    for (const request of wire.requests) {
      expect(request.entries.reduce((sum, e) => sum + sizeOf(e), 0)).toBeLessThan(requestBytes);
    }
  });

  it('sends entries that failed with a retryable code again, alone, after a backoff with jitter', async () => {
    const { wire, bus } = await publisher();
    wire.behaviour = (request, index) => ({
      entryErrors: request.entries.map((e) =>
        index === 0 && e.DetailType === 'HealOps Escalated'
          ? 'InternalFailure'
          : index === 1 && e.DetailType === 'HealOps Escalated'
            ? 'ThrottlingException'
            : undefined,
      ),
    });
    await bus.publish(manyEvents(2));
    expect(wire.requests.map((r) => r.entries.map((e) => e.DetailType))).toEqual([
      [...SAMPLED_TYPES, ...SAMPLED_TYPES],
      ['HealOps Escalated', 'HealOps Escalated'],
      ['HealOps Escalated', 'HealOps Escalated'],
    ]);
    // random 0.5 -> jitter factor 1: the plain backoff, doubling from 200 ms
    expect(waits).toEqual([200, 400]);
  });

  it('gives up after the configured retries and lists the failed entries by detail-type and error code', async () => {
    const { wire, bus } = await publisher({ entryRetries: 2, random: () => 0 });
    wire.behaviour = (request) => ({
      entryErrors: request.entries.map((e) =>
        e.DetailType === 'HealOps Check Failed' ? 'InternalFailure' : undefined,
      ),
    });
    const events = manyEvents(3);
    const error = await publishError(bus, events);
    // the first round in two requests (10 + 5), then the three failed entries twice more
    expect(wire.requests.map((r) => r.entries.length)).toEqual([10, 5, 3, 3]);
    expect(waits).toEqual([160, 320]); // jitter factor 0.8
    expect(error.failed).toEqual(
      [0, 1, 2].map((i) => ({
        detailType: 'HealOps Check Failed',
        dedupKey: `healops/linux-base/disk-root/i-0abc00${i}`,
        errorCode: 'InternalFailure',
      })),
    );
    expect(error.message).toBe(
      `EventBridge bus ${BUS} at ${wire.endpoint}: 3 of 15 events not published after 3 tries: HealOps Check Failed: InternalFailure ×3`,
    );
    expectNoPayload(error.message);
  });

  it('never sends again an entry refused for good (MalformedDetail, AccessDenied...), and still sends the rest', async () => {
    const { wire, bus } = await publisher();
    wire.behaviour = (request, index) => ({
      entryErrors: request.entries.map((e, i) => {
        if (index === 0 && i === 1) return 'MalformedDetail';
        if (index === 0 && e.DetailType === 'HealOps Recovered') return 'InternalFailure';
        return undefined;
      }),
    });
    const error = await publishError(bus, sampleEvents(0));
    expect(wire.requests.map((r) => r.entries.map((e) => e.DetailType))).toEqual([
      SAMPLED_TYPES,
      ['HealOps Recovered'],
    ]);
    expect(error.failed).toEqual([
      {
        detailType: 'HealOps Repair Succeeded',
        dedupKey: 'healops/linux-base/disk-root/i-0abc000',
        errorCode: 'MalformedDetail',
      },
    ]);
    expect(error.message).toContain(
      '1 of 5 events not published after 2 tries: HealOps Repair Succeeded: MalformedDetail',
    );
    expectNoPayload(error.message);
  });

  it('lets the SDK retry a throttled call (adaptive retry mode) and publishes everything once', async () => {
    const { wire, bus } = await publisher();
    wire.behaviour = (request, index) =>
      index === 0
        ? { status: 400, errorType: 'ThrottlingException', message: 'Rate exceeded' }
        : acceptAll(request, index);
    const events = sampleEvents(0);
    await bus.publish(events);
    expect(wire.requests).toHaveLength(2);
    expect(wire.requests[1]?.entries).toEqual(wire.requests[0]?.entries);
    expect(waits).toEqual([]);
  });

  it('reports the events not sent when a whole call keeps failing, with the call error but not the details', async () => {
    const { wire, bus } = await publisher({ maxAttempts: 2 });
    wire.behaviour = (request, index) =>
      index === 0
        ? acceptAll(request, index)
        : { status: 500, errorType: 'InternalException', message: 'the service is having a bad day' };
    const events = manyEvents(3);
    const error = await publishError(bus, events);
    // first request accepted (10 entries), the second tried twice by the SDK
    expect(wire.requests.map((r) => r.entries.length)).toEqual([10, 5, 5]);
    expect(error.failed).toHaveLength(5);
    expect(error.failed.every((f) => f.errorCode === 'InternalException')).toBe(true);
    expect(error.message).toContain(
      'PutEvents failed (InternalException (HTTP 500): the service is having a bad day)',
    );
    expect(error.message).toContain('5 of 15 events not published');
    expectNoPayload(error.message);
  });

  it('refuses an event whose detail breaks its schema before sending anything', async () => {
    const { wire, bus } = await publisher();
    const [first, second] = sampleEvents(0);
    if (first === undefined || second === undefined) throw new Error('fixtures');
    const broken = { ...second, detail: { ...second.detail, attempt: undefined } } as unknown as HealOpsEvent;
    await expect(bus.publish([first, broken])).rejects.toThrow(
      'HealOps Repair Succeeded: detail.attempt: required field is missing',
    );
    expect(wire.requests).toHaveLength(0);
  });

  it('reports an entry too large for any request without sending it', async () => {
    const { wire, bus } = await publisher({ requestBytes: 1_200 });
    const error = await publishError(bus, sampleEvents(0));
    const sent = wire.requests.flatMap((r) => r.entries.map((e) => e.DetailType));
    expect(error.failed.map((f) => f.errorCode)).toEqual(error.failed.map(() => 'EntryTooLarge'));
    expect([...sent, ...error.failed.map((f) => f.detailType)].sort()).toEqual([...SAMPLED_TYPES].sort());
    expect(error.failed.length).toBeGreaterThan(0);
    expect(EVENT_LIMITS.requestBytes).toBe(262_144);
  });
});
