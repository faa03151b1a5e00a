import { Metrics } from '@aws-lambda-powertools/metrics';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsSecretResolver, type DynamoStore } from '@healops/aws';
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  escalatedEvent,
  HEALOPS_EVENT_SOURCE,
  METRIC,
  problemTicket,
  queueTicket,
} from '@healops/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricAlarmEvent } from '../../../packages/core/test/support/alarm-fixtures.js';
import {
  DISK_CHECK,
  EVENT_AT,
  eventKey,
  failingRun,
  failingState,
  openProblem,
} from '../../../packages/core/test/support/event-fixtures.js';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
} from '../../../packages/sinks/test/support/pagerduty-receiver.js';
import { parseNotifyBundle } from '../src/notify-bundle.js';
import { createNotifyHandler, type DrainResult, type SqsBatchResult } from '../src/notify-handler.js';
import { NOTIFY_METRIC } from '../src/notify-metrics.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { lambdaContext } from './support/lambda-context.js';
import { type NotifyQueue, type SqsEvent, useNotifyMoto } from './support/notify-moto.js';

// The notify handler end to end: real SQS records (events put on a custom EventBridge bus, routed by a rule to an
// SQS queue on moto), the DynamoStore on moto, the PagerDuty routing key in moto's Secrets Manager, and the loopback
// PagerDuty receiver, which validates every body against PagerDuty's OpenAPI document.

const moto = useNotifyMoto();

/** PagerDuty routing keys are 32 characters. */
const ROUTING_KEY = 'healops-secret-routing-key-00001';
const ROUTE = 'pd';

let receiver: PagerDutyReceiver;
let emfLines: string[] = [];
const loggers: CapturingLogger[] = [];

beforeAll(async () => {
  receiver = await startPagerDutyReceiver();
});
afterAll(async () => {
  await receiver.close();
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
afterEach(async () => {
  vi.restoreAllMocks();
  await receiver.up().catch(() => undefined);
  // No secret value in any log line or metric, whatever the test did.
  for (const logger of loggers.splice(0)) {
    for (const line of logger.lines) expect(line).not.toContain(ROUTING_KEY);
  }
  for (const line of emfLines) expect(line).not.toContain(ROUTING_KEY);
  expect(receiver.problems).toEqual([]);
});

interface Setup {
  readonly store: DynamoStore;
  readonly queue: NotifyQueue;
  readonly logger: CapturingLogger;
  readonly handle: ReturnType<typeof createNotifyHandler>;
}

async function setup(): Promise<Setup> {
  const store = await moto.store();
  const secret = await moto.secret(ROUTING_KEY);
  const bundle = parseNotifyBundle(
    JSON.stringify({
      version: 1,
      packages: [],
      tickets: [
        { type: 'pagerduty', name: ROUTE, routingKey: `secretsmanager:${secret}`, url: receiver.url },
      ],
    }),
    'test bundle',
  );
  const logger = new CapturingLogger({ serviceName: 'healops-notify' });
  loggers.push(logger);
  const handle = createNotifyHandler({
    store,
    routes: bundle.tickets,
    secrets: new AwsSecretResolver({ secretsManager: { clientConfig: moto.clientConfig() } }),
    environment: 'prod',
    logger,
    metrics: new Metrics({ namespace: 'HealOpsTest', serviceName: 'healops-notify' }),
    delivery: { quickBackoff: { baseMs: 10, maxMs: 20 } },
  });
  return { store, queue: await moto.queue(), logger, handle };
}

function alarmEntry(state: 'ALARM' | 'OK', timestamp: string): PutEventsRequestEntry {
  const sample = metricAlarmEvent();
  const detail = sample.detail as Record<string, unknown>;
  const alarm = detail.state as Record<string, unknown>;
  const previous = detail.previousState as Record<string, unknown>;
  const states = {
    ALARM: alarm,
    OK: { ...previous, timestamp },
  };
  return {
    Source: ALARM_EVENT_SOURCE,
    DetailType: ALARM_EVENT_DETAIL_TYPE,
    Resources: sample.resources as string[],
    Detail: JSON.stringify({
      ...detail,
      state: { ...states[state], timestamp },
      previousState: state === 'ALARM' ? previous : alarm,
    }),
  };
}

async function batch(setup: Setup, event: SqsEvent | { drain: true }): Promise<SqsBatchResult> {
  return (await setup.handle(event, lambdaContext())) as SqsBatchResult;
}

async function drain(setup: Setup): Promise<DrainResult> {
  return (await setup.handle({ drain: true }, lambdaContext())) as DrainResult;
}

function metricValues(name: string): number[] {
  return emfLines.flatMap((line) => {
    const document = JSON.parse(line) as Record<string, unknown>;
    const value = document[name];
    return typeof value === 'number' ? [value] : [];
  });
}

const ALARM_AT = '2026-03-02T17:04:40.989+0000';
const OK_AT = '2026-03-02T17:30:00.000+0000';
const ALARM_DEDUP_KEY_PART = 'ServerCpuTooHigh';

describe('notify: CloudWatch alarms through SQS', () => {
  it('turns an alarm going ALARM then OK into a PagerDuty trigger then its resolve', async () => {
    const s = await setup();
    const alarm = await s.queue.deliver([alarmEntry('ALARM', ALARM_AT)]);
    expect(await batch(s, alarm)).toEqual({ batchItemFailures: [] });
    expect(receiver.events).toHaveLength(1);
    const trigger = receiver.events[0] as Record<string, unknown>;
    expect(trigger).toMatchObject({ event_action: 'trigger', routing_key: ROUTING_KEY });
    const dedupKey = String(trigger.dedup_key);
    expect(dedupKey).toContain(ALARM_DEDUP_KEY_PART);
    expect(receiver.alerts.get(dedupKey)?.status).toBe('triggered');

    const ok = await s.queue.deliver([alarmEntry('OK', OK_AT)]);
    expect(await batch(s, ok)).toEqual({ batchItemFailures: [] });
    expect(receiver.events.slice(1)).toMatchObject([{ event_action: 'resolve', dedup_key: dedupKey }]);
    expect(receiver.alerts.get(dedupKey)).toMatchObject({ status: 'resolved', incidents: 1 });
    expect(await s.store.counts()).toEqual({ pending: 0, delivered: 2, dead: 0 });
    // Each invocation logs with its event's id as correlation id.
    const applied = s.logger.entries().filter((e) => e.alarmAction !== undefined);
    expect(applied.map((e) => e.alarmAction)).toEqual(['trigger', 'resolve']);
    expect(applied[0]?.correlationId).toEqual(JSON.parse(alarm.Records[0]?.body ?? '{}').id);
    expect(applied[0]?.function_request_id).toEqual(expect.any(String));
  });

  it('applies a redelivered alarm message once: one trigger, nothing queued the second time', async () => {
    const s = await setup();
    const before = receiver.events.length;
    const alarm = await s.queue.deliver([alarmEntry('ALARM', '2026-03-03T08:00:00.000+0000')]);
    expect(await batch(s, alarm)).toEqual({ batchItemFailures: [] });
    expect(await batch(s, alarm)).toEqual({ batchItemFailures: [] });
    expect(receiver.events.slice(before)).toMatchObject([{ event_action: 'trigger' }]);
    expect(await s.store.list({})).toHaveLength(1);
    expect(
      s.logger
        .entries()
        .map((e) => e.alarmAction)
        .filter(Boolean),
    ).toEqual(['trigger', 'none']);
  });

  it('reports only the malformed records as batch item failures and handles the others', async () => {
    const s = await setup();
    const before = receiver.events.length;
    const sample = metricAlarmEvent();
    const invalidAlarm: PutEventsRequestEntry = {
      Source: ALARM_EVENT_SOURCE,
      DetailType: ALARM_EVENT_DETAIL_TYPE,
      Resources: [],
      Detail: JSON.stringify({ ...(sample.detail as object), alarmName: '' }),
    };
    const real = await s.queue.deliver([alarmEntry('ALARM', '2026-03-04T08:00:00.000+0000'), invalidAlarm]);
    const first = real.Records[0];
    if (first === undefined) throw new Error('no record');
    const poison = { ...first, messageId: 'poison-not-json', body: '{"detail-type": "CloudWatch Alarm' };
    const invalidId = real.Records.find((r) => r.body.includes('"alarmName":""'))?.messageId;
    const result = await batch(s, { Records: [...real.Records, poison] });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [invalidId, 'poison-not-json'].sort(),
    );
    expect(receiver.events.slice(before)).toMatchObject([{ event_action: 'trigger' }]);
    const rejected = s.logger.entries().filter((e) => e.level === 'ERROR');
    expect(rejected.map((e) => e.messageId).sort()).toEqual([invalidId, 'poison-not-json'].sort());
    expect(rejected.find((e) => e.messageId === invalidId)?.reason).toContain(
      'the alarm name must not be empty',
    );
    expect(metricValues(NOTIFY_METRIC.recordsRejected)).toEqual([2]);
  });

  it('rejects an input that is neither an SQS batch nor the drain', async () => {
    const s = await setup();
    await expect(s.handle({ drain: false }, lambdaContext())).rejects.toThrow();
    expect(s.logger.entries().some((e) => e.message === 'notify invocation failed')).toBe(true);
  });
});

describe('notify: HealOps escalations', () => {
  it('delivers the trigger a state save queued, woken by the Escalated event', async () => {
    const s = await setup();
    const before = receiver.events.length;
    const key = eventKey(7);
    const problem = openProblem(key);
    const run = failingRun(key);
    const detail = 'repair budget spent (3 per 24h)';
    const ticket = problemTicket({
      action: 'trigger',
      key,
      problem,
      run,
      environment: DISK_CHECK.environment,
      detail,
      repairs: [],
      at: EVENT_AT,
    });
    await s.store.save(failingState(key, { problem }), 0, queueTicket(ticket, [{ name: ROUTE }]));
    const event = escalatedEvent({
      key,
      check: DISK_CHECK,
      problem,
      run,
      detail,
      repairs: [],
      at: EVENT_AT,
      correlationId: 'corr-escalation-7',
    });
    const records = await s.queue.deliver([
      { Source: HEALOPS_EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) },
    ]);
    expect(await batch(s, records)).toEqual({ batchItemFailures: [] });
    expect(receiver.events.slice(before)).toMatchObject([
      { event_action: 'trigger', dedup_key: problem.dedupKey, routing_key: ROUTING_KEY },
    ]);
    const woken = s.logger.entries().find((e) => e.ticketAction === 'trigger');
    expect(woken).toMatchObject({ correlationId: 'corr-escalation-7', dedupKey: problem.dedupKey });
    expect(metricValues(NOTIFY_METRIC.ticketsDelivered)).toEqual([1]);
    expect(metricValues(METRIC.ticketsPending)).toEqual([0]);
  });
});

describe('notify: receiver down', () => {
  it('keeps the action pending without failing the record, and the next drain delivers it', async () => {
    const s = await setup();
    const before = receiver.events.length;
    await receiver.down();
    const alarm = await s.queue.deliver([alarmEntry('ALARM', '2026-03-05T08:00:00.000+0000')]);
    expect(await batch(s, alarm)).toEqual({ batchItemFailures: [] });
    expect(await s.store.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
    expect(metricValues(METRIC.ticketsPending)).toEqual([1]);
    expect(
      s.logger.entries().some((e) => e.level === 'WARN' && String(e.message).includes('not delivered')),
    ).toBe(true);

    await receiver.up();
    expect(await drain(s)).toEqual({ delivered: 1, failed: 0, dead: 0, pending: 0 });
    expect(receiver.events.slice(before)).toMatchObject([{ event_action: 'trigger' }]);
    expect(await s.store.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('names the secret reference, never a value, when a route cannot be built', async () => {
    const s = await setup();
    const logger = new CapturingLogger({ serviceName: 'healops-notify' });
    loggers.push(logger);
    const handle = createNotifyHandler({
      store: s.store,
      routes: [
        { type: 'pagerduty', name: ROUTE, routingKey: 'secretsmanager:healops/missing', url: receiver.url },
      ],
      secrets: new AwsSecretResolver({ secretsManager: { clientConfig: moto.clientConfig() } }),
      environment: 'prod',
      logger,
      metrics: new Metrics({ namespace: 'HealOpsTest', serviceName: 'healops-notify' }),
    });
    const alarm = await s.queue.deliver([alarmEntry('ALARM', '2026-03-06T08:00:00.000+0000')]);
    expect(await handle(alarm, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await s.store.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
    const routeError = logger.entries().find((e) => String(e.message).includes('cannot deliver'));
    expect(String(routeError?.reason)).toContain('secretsmanager:healops/missing');
  });
});
