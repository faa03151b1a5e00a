import {
  CloudWatchClient,
  GetMetricWidgetImageCommand,
  InvalidParameterValueException,
} from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchTicketImages, TicketImageError } from '@healops/aws';
import {
  deliverTickets,
  graphObjectKey,
  type RouteDelivery,
  type TicketEvent,
  withTicketImages,
} from '@healops/core';
import { PagerDutyTransport } from '@healops/sinks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTicketOutbox } from '../../packages/core/test/support/memory-ticket-outbox.js';
import { makeTicketEvent } from '../../packages/core/test/support/tickets-fixtures.js';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../packages/sinks/test/support/pagerduty-receiver.js';
import {
  type CloudWatchEmulator,
  pngSize,
  startCloudWatchEmulator,
} from '../support/cloudwatch-emulator/index.js';
import { MotoServer } from '../support/moto.js';

// Graph images for tickets, over the wire: the real @aws-sdk/client-cloudwatch against the CloudWatch emulator
// (test/support/cloudwatch-emulator: GetMetricWidgetImage, AWS JSON 1.0, checks the widget, answers a PNG of its
// size), the real S3 client against moto (path-style), plain fetch for the presigned URL, and the loopback
// PagerDuty receiver (bodies validated against PagerDuty's OpenAPI document). Without moto every test here fails.

const REGION = 'us-east-1';
const BUCKET = 'healops-graphs';
const NAMESPACE = 'HealOps/Test';
const CREDENTIALS = { accessKeyId: 'AKIDGRAPHTEST', secretAccessKey: 'graph-test-secret' };
const ROUTING_KEY = 'R0UTINGKEYs3cr3t0123456789abcdef';

let moto: MotoServer;
let cloudWatchEmulator: CloudWatchEmulator;
let receiver: PagerDutyReceiver;
let s3: S3Client;
let cloudWatch: CloudWatchClient;
/** Signs as for the real S3 endpoint (https), offline: PagerDuty takes https images only. */
let publicSigner: S3Client;

beforeAll(async () => {
  moto = await MotoServer.start();
  cloudWatchEmulator = await startCloudWatchEmulator();
  receiver = await startPagerDutyReceiver();
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
  });
  cloudWatch = new CloudWatchClient({
    endpoint: cloudWatchEmulator.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  publicSigner = new S3Client({ region: REGION, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await cloudWatchEmulator?.close();
  await moto?.stop();
});

beforeEach(() => {
  cloudWatchEmulator.setLatency(0);
});

/** A trigger without an image, at its own time (so its object key is new). */
let eventSeq = 0;
function freshEvent(overrides: Partial<TicketEvent> = {}): TicketEvent {
  eventSeq++;
  const { imageUrl: _none, ...event } = makeTicketEvent({
    occurredAt: new Date(Date.UTC(2026, 2, 1, 10, eventSeq)).toISOString(),
    ...overrides,
  });
  return event;
}

function images(overrides: Partial<ConstructorParameters<typeof CloudWatchTicketImages>[0]> = {}) {
  return new CloudWatchTicketImages({ bucket: BUCKET, namespace: NAMESPACE, cloudWatch, s3, ...overrides });
}

async function objectBytes(key: string): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return {
    bytes: (await object.Body?.transformToByteArray()) ?? new Uint8Array(),
    contentType: object.ContentType,
  };
}

/** Delivers `event` through PagerDuty with graph images; returns the body the receiver accepted. */
async function deliverToPagerDuty(event: TicketEvent, source: CloudWatchTicketImages, timeoutMs = 5_000) {
  const outbox = new MemoryTicketOutbox();
  const now = new Date();
  await outbox.enqueue([{ id: `pd-${event.occurredAt}`, route: 'pd', event }], now);
  const transport = new PagerDutyTransport({
    url: receiver.url,
    routingKey: ROUTING_KEY,
    timeoutMs: 5_000,
    ratePerMinute: 120,
  });
  const routes = new Map<string, RouteDelivery>([['pd', { transport, maxAttempts: 3 }]]);
  const imageProblems: string[] = [];
  const before = receiver.events.length;
  const summary = await deliverTickets({
    outbox,
    links: outbox,
    routes: withTicketImages(routes, { images: source, timeoutMs, onProblem: (m) => imageProblems.push(m) }),
    clock: { now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    deadline: new Date(Date.now() + 30_000),
  });
  expect(summary).toEqual({ delivered: 1, failed: 0, dead: 0 });
  expect(receiver.problems).toEqual([]);
  expect(receiver.events).toHaveLength(before + 1);
  return { body: receiver.events[before] ?? {}, imageProblems };
}

describe('CloudWatchTicketImages (CloudWatch emulator + moto S3)', () => {
  it('renders the problem status widget, stores the PNG at its key, and the presigned URL serves it', async () => {
    const event = freshEvent();
    const calls = cloudWatchEmulator.widgets.length;
    const url = await images().imageFor(event);

    const widget = cloudWatchEmulator.widgets[calls];
    expect(widget?.widget.metrics).toEqual([
      [
        NAMESPACE,
        'healops.check.status',
        'package',
        'web',
        'check',
        'nginx-up',
        'target',
        'web-1',
        'environment',
        'prod',
      ],
    ]);
    expect(widget?.widget.title).toBe('web/nginx-up on web-1');
    expect([widget?.width, widget?.height]).toEqual([600, 300]);

    const key = graphObjectKey(event);
    const stored = await objectBytes(key);
    expect(stored.contentType).toBe('image/png');
    expect(pngSize(stored.bytes)).toEqual({ width: 600, height: 300 });

    expect(url).toBeDefined();
    const parsed = new URL(url ?? '');
    expect(parsed.pathname).toBe(`/${BUCKET}/${key}`);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    const fetched = await fetch(url ?? '');
    expect(fetched.status).toBe(200);
    expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(stored.bytes);
  });

  it('links the stored image again for the same action without rendering it twice', async () => {
    const event = freshEvent({ action: 'update' });
    const source = images({ expiresInSeconds: 3600 });
    const first = await source.imageFor(event);
    const rendered = cloudWatchEmulator.widgets.length;
    const again = await images({ expiresInSeconds: 3600 }).imageFor(event);
    expect(cloudWatchEmulator.widgets.length).toBe(rendered);
    expect(new URL(again ?? '').pathname).toBe(new URL(first ?? '').pathname);
    expect(new URL(again ?? '').searchParams.get('X-Amz-Expires')).toBe('3600');
    expect((await fetch(again ?? '')).status).toBe(200);
  });

  it('makes no image for a CloudWatch alarm ticket, and refuses a URL lifetime over the SigV4 maximum', async () => {
    const calls = cloudWatchEmulator.calls;
    const alarm = freshEvent({
      key: { package: 'cloudwatch', check: 'api-5xx', target: '123456789012/us-east-1' },
    });
    expect(await images().imageFor(alarm)).toBeUndefined();
    expect(cloudWatchEmulator.calls).toBe(calls);
    expect(() => images({ expiresInSeconds: 7 * 24 * 3600 + 1 })).toThrow(TicketImageError);
    expect(() => images({ expiresInSeconds: 0 })).toThrow(TicketImageError);
  });

  it('fails with a TicketImageError naming the step when CloudWatch or S3 refuses', async () => {
    cloudWatchEmulator.failNext(1);
    await expect(images().imageFor(freshEvent())).rejects.toThrow(
      /GetMetricWidgetImage failed: InternalServiceFault/,
    );
    await expect(images({ bucket: 'no-such-graph-bucket' }).imageFor(freshEvent())).rejects.toThrow(
      /S3 PutObject s3:\/\/no-such-graph-bucket\/graphs\/.* failed: NoSuchBucket/,
    );
  });
});

describe('graph images in PagerDuty tickets', () => {
  it('a trigger carries the https image URL in `images`, pointing at the stored object', async () => {
    const event = freshEvent();
    const { body, imageProblems } = await deliverToPagerDuty(event, images({ presignS3: publicSigner }));
    expect(imageProblems).toEqual([]);
    const sent = body.images as Array<{ src: string; alt: string }>;
    expect(sent).toHaveLength(1);
    const src = new URL(sent[0]?.src ?? '');
    expect(src.protocol).toBe('https:');
    expect(src.hostname).toBe(`${BUCKET}.s3.${REGION}.amazonaws.com`);
    expect(src.pathname).toBe(`/${graphObjectKey(event)}`);
    expect(sent[0]?.alt).toBe('Graph: nginx-up');
    expect(pngSize((await objectBytes(graphObjectKey(event))).bytes)).toEqual({ width: 600, height: 300 });
  });

  it('CloudWatch failing: the ticket still goes out, without an image, and the reason is told', async () => {
    cloudWatchEmulator.failNext(1);
    const { body, imageProblems } = await deliverToPagerDuty(
      freshEvent(),
      images({ presignS3: publicSigner }),
    );
    expect(body).not.toHaveProperty('images');
    expect(body.event_action).toBe('trigger');
    expect(imageProblems).toEqual([
      expect.stringMatching(/GetMetricWidgetImage failed: InternalServiceFault/),
    ]);
  });

  it('CloudWatch slow: the ticket goes out without waiting for the image', async () => {
    cloudWatchEmulator.setLatency(2_000);
    const { body, imageProblems } = await deliverToPagerDuty(
      freshEvent(),
      images({ presignS3: publicSigner }),
      100,
    );
    expect(body).not.toHaveProperty('images');
    expect(imageProblems).toEqual([expect.stringMatching(/within 100 ms: sent without it$/)]);
  });
});

describe('CloudWatch emulator', () => {
  it('refuses a widget without metrics as the service does, through the real SDK', async () => {
    const refused = cloudWatch.send(
      new GetMetricWidgetImageCommand({ MetricWidget: JSON.stringify({ title: 'x' }), OutputFormat: 'png' }),
    );
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(
      cloudWatch.send(new GetMetricWidgetImageCommand({ MetricWidget: '{not json', OutputFormat: 'png' })),
    ).rejects.toThrow(/not valid JSON/);
  });
});
