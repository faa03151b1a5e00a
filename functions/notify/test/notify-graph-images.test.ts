import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchTicketImages, DynamoStore } from '@healops/aws';
import { deliverTickets, type TicketEvent, type TicketImages, ticketRouteSchema } from '@healops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTicketOutbox } from '../../../packages/core/test/support/memory-ticket-outbox.js';
import { makeTicketEvent } from '../../../packages/core/test/support/tickets-fixtures.js';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../../packages/sinks/test/support/pagerduty-receiver.js';
import { transportCache } from '../src/notify-delivery.js';
import type { NotifyDeps } from '../src/notify-deps.js';
import { notifyDepsFromEnv } from '../src/notify-env.js';
import { CapturingLogger } from './support/capturing-logger.js';

// The notify function's graph images: HEALOPS_GRAPH_BUCKET turns them on, and its transports ask the images port
// before a trigger goes out — a failing port never stops the ticket. The port itself (CloudWatch + S3) is tested
// over the wire in test/integration/ticket-graph-images.test.ts.

const ROUTING_KEY = 'healops-secret-routing-key-00001';

let receiver: PagerDutyReceiver;
beforeAll(async () => {
  receiver = await startPagerDutyReceiver();
});
afterAll(async () => {
  await receiver.close();
});

function deps(images: TicketImages, logger: CapturingLogger): NotifyDeps {
  return {
    store: new DynamoStore({ tableName: 'unused-here' }),
    routes: [
      ticketRouteSchema.parse({ type: 'pagerduty', name: 'pd', routingKey: 'env:PD_KEY', url: receiver.url }),
    ],
    secrets: { resolve: async () => ROUTING_KEY },
    environment: 'prod',
    logger,
    metrics: new Metrics({ namespace: 'HealOps', serviceName: 'test' }),
    images,
    imageTimeoutMs: 1_000,
  };
}

async function send(notifyDeps: NotifyDeps, event: TicketEvent) {
  const outbox = new MemoryTicketOutbox();
  await outbox.enqueue([{ id: `pd-${event.occurredAt}`, route: 'pd', event }], new Date());
  const before = receiver.events.length;
  const summary = await deliverTickets({
    outbox,
    links: outbox,
    routes: await transportCache(notifyDeps)(),
    clock: { now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    deadline: new Date(Date.now() + 10_000),
  });
  expect(summary.delivered).toBe(1);
  expect(receiver.problems).toEqual([]);
  return receiver.events[before] ?? {};
}

const withoutImage = (): TicketEvent => {
  const { imageUrl: _none, ...event } = makeTicketEvent();
  return event;
};

describe('notify graph images', () => {
  it('a trigger carries the image the port made', async () => {
    const logger = new CapturingLogger();
    const body = await send(
      deps({ imageFor: async () => 'https://graphs.example/g.png' }, logger),
      withoutImage(),
    );
    expect(body.images).toEqual([{ src: 'https://graphs.example/g.png', alt: 'Graph: nginx-up' }]);
  });

  it('a failing port: the trigger goes out without an image and the reason is logged as a warning', async () => {
    const logger = new CapturingLogger();
    const failing: TicketImages = {
      imageFor: async () => {
        throw new Error('GetMetricWidgetImage failed: AccessDenied');
      },
    };
    const body = await send(deps(failing, logger), withoutImage());
    expect(body).not.toHaveProperty('images');
    expect(logger.entries()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringContaining('no graph image for trigger healops/web/nginx-up/web-1'),
      }),
    );
  });

  it('HEALOPS_GRAPH_BUCKET turns the images on; unset, tickets carry none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'healops-notify-graphs-'));
    const bundlePath = join(dir, 'healops-bundle.json');
    writeFileSync(bundlePath, JSON.stringify({ version: 1, packages: [], tickets: [] }));
    const base = { HEALOPS_TABLE_NAME: 'healops', HEALOPS_BUNDLE_PATH: bundlePath, AWS_REGION: 'us-east-1' };
    expect(notifyDepsFromEnv(base).images).toBeUndefined();
    expect(notifyDepsFromEnv({ ...base, HEALOPS_GRAPH_BUCKET: '' }).images).toBeUndefined();
    const on = notifyDepsFromEnv({ ...base, HEALOPS_GRAPH_BUCKET: 'healops-artifacts' });
    expect(on.images).toBeInstanceOf(CloudWatchTicketImages);
  });
});
