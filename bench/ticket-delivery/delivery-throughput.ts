import { performance } from 'node:perf_hooks';
import {
  deliverTickets,
  pagerDutyEvent,
  type RouteDelivery,
  TICKET_DEFAULTS,
  type TicketAction,
} from '@healops/core';
import { SystemClock } from '@healops/local';
import { type Receiver, type ReceiverCounts, ROUTING_KEY } from './loopback-receiver.js';
import { median, REPEATS, table } from './results-table.js';
import { type Homes, withStore } from './temp-stores.js';
import { checkKey, DELIVERY_LIMIT_MS, queuedActions, ticketEvent } from './ticket-actions.js';
import { TimedTransport, transportFor } from './timed-transport.js';

export const PROBLEMS = 200;
export const PROBLEM_ACTIONS: readonly TicketAction[] = ['trigger', 'update', 'update', 'update', 'resolve'];
export const ACTIONS = PROBLEMS * PROBLEM_ACTIONS.length;
/** High enough that the rate window never makes the deliverer wait (the window is still kept). */
export const UNBOUNDED_RATE = 1_000_000;
const DELIVERY_MODES = ['pagerduty', 'webhook', 'immediate', 'raw fetch'] as const;
type DeliveryMode = (typeof DELIVERY_MODES)[number];

interface DeliverySample {
  readonly totalMs: number;
  readonly sendMs: number;
}

function received(mode: DeliveryMode, before: ReceiverCounts, after: ReceiverCounts): number {
  switch (mode) {
    case 'pagerduty':
      return after.pagerduty - before.pagerduty;
    case 'webhook':
      return after.webhook - before.webhook;
    case 'raw fetch':
      return after.raw - before.raw;
    case 'immediate':
      return 0;
  }
}

async function deliverOnce(homes: Homes, mode: DeliveryMode, receiver: Receiver): Promise<DeliverySample> {
  const before = await receiver.counts();
  const sample =
    mode === 'raw fetch' ? await rawFetch(receiver) : await deliverActions(homes, mode, receiver);
  const after = await receiver.counts();
  const expected = mode === 'immediate' ? 0 : ACTIONS;
  if (after.bad !== before.bad || received(mode, before, after) !== expected) {
    throw new Error(`${mode}: the receiver accepted ${received(mode, before, after)} of ${expected}`);
  }
  return sample;
}

async function deliverActions(
  homes: Homes,
  mode: Exclude<DeliveryMode, 'raw fetch'>,
  receiver: Receiver,
): Promise<DeliverySample> {
  return withStore(homes, async (store) => {
    const clock = new SystemClock();
    const outbox = store.ticketOutbox();
    const route = mode;
    await outbox.enqueue(
      queuedActions(route, PROBLEMS, PROBLEM_ACTIONS, new Date()),
      new Date(Date.now() - 1_000),
    );
    const transport = new TimedTransport(transportFor(mode, receiver, UNBOUNDED_RATE), clock);
    const problems: string[] = [];
    const start = performance.now();
    const summary = await deliverTickets({
      outbox,
      links: outbox,
      routes: new Map<string, RouteDelivery>([
        [route, { transport, maxAttempts: TICKET_DEFAULTS.maxAttempts }],
      ]),
      clock,
      deadline: new Date(Date.now() + DELIVERY_LIMIT_MS),
      audit: store,
      onProblem: (message) => problems.push(message),
    });
    const totalMs = performance.now() - start;
    const counts = await outbox.counts();
    if (summary.delivered !== ACTIONS || counts.pending !== 0 || problems.length > 0) {
      throw new Error(
        `${mode}: delivered ${summary.delivered}/${ACTIONS}, ${counts.pending} pending\n${problems.slice(0, 5).join('\n')}`,
      );
    }
    return { totalMs, sendMs: transport.sendMs };
  });
}

/** The limit: plain sequential fetch POSTs of a PagerDuty body to the same receiver. */
async function rawFetch(receiver: Receiver): Promise<DeliverySample> {
  const body = JSON.stringify(pagerDutyEvent(ticketEvent(checkKey(0), 'trigger', new Date()), ROUTING_KEY));
  const url = `${receiver.url}/raw`;
  const start = performance.now();
  for (let i = 0; i < ACTIONS; i++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    await response.text();
    if (response.status !== 202) throw new Error(`raw fetch: HTTP ${response.status}`);
  }
  const totalMs = performance.now() - start;
  return { totalMs, sendMs: totalMs };
}

/** Pending actions delivered by one deliverTickets call per transport, and raw fetch; returns the printed table. */
export async function deliverBench(homes: Homes, receiver: Receiver): Promise<string> {
  // Warm-up (JIT, the keep-alive connection), not counted.
  for (const mode of DELIVERY_MODES) await deliverOnce(homes, mode, receiver);
  const samples = new Map<DeliveryMode, DeliverySample[]>(DELIVERY_MODES.map((m) => [m, []]));
  for (let run = 0; run < REPEATS; run++) {
    for (const mode of DELIVERY_MODES) samples.get(mode)?.push(await deliverOnce(homes, mode, receiver));
  }
  process.stderr.write('  deliver done\n');
  return table(
    ['transport', 'actions/s', 'ms/action', 'in send', 'outside send', 'send share'],
    DELIVERY_MODES.map((mode) => {
      const runs = samples.get(mode) ?? [];
      const total = median(runs.map((s) => s.totalMs));
      const send = median(runs.map((s) => s.sendMs));
      const other = median(runs.map((s) => s.totalMs - s.sendMs));
      const raw = mode === 'raw fetch';
      return [
        mode,
        ((ACTIONS / total) * 1000).toFixed(0),
        (total / ACTIONS).toFixed(3),
        (send / ACTIONS).toFixed(3),
        raw ? '-' : (other / ACTIONS).toFixed(3),
        raw ? '-' : `${(median(runs.map((s) => s.sendMs / s.totalMs)) * 100).toFixed(0)}%`,
      ];
    }),
  );
}
