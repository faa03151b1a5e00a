import { performance } from 'node:perf_hooks';
import {
  DEFAULT_TICKET_PASS_MS,
  deliverTickets,
  type RouteDelivery,
  TICKET_DEFAULTS,
  ticketPipeline,
} from '@healops/core';
import type { Receiver } from './loopback-receiver.js';
import { median, REPEATS, table } from './results-table.js';
import { SkippingClock } from './skipping-clock.js';
import { type Homes, withStore } from './temp-stores.js';
import { DELIVERY_LIMIT_MS, queuedActions } from './ticket-actions.js';
import { TimedTransport, transportFor } from './timed-transport.js';

export const DRAIN_TRIGGERS = 300;
export const DRAIN_RATE = TICKET_DEFAULTS.pagerDutyRatePerMinute;
const DRAIN_MODES = [
  { name: 'one deliverTickets call, no deadline', cycleMs: undefined },
  { name: `ticketPipeline, pass ≤${DEFAULT_TICKET_PASS_MS / 1000} s every 60 s`, cycleMs: 60_000 },
  { name: `ticketPipeline, pass ≤${DEFAULT_TICKET_PASS_MS / 1000} s every 30 s`, cycleMs: 30_000 },
] as const;
/** Safety limit on simulated passes. */
const MAX_PASSES = 100;

interface DrainSample {
  /** Simulated time from the start until the last trigger was sent. */
  readonly drainMs: number;
  readonly passes: number;
  /** Sends per minute since the start. */
  readonly perMinute: readonly number[];
  /** Most sends in any 60 s. */
  readonly busiestMinute: number;
  readonly realMs: number;
}

function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

async function drainOnce(
  homes: Homes,
  receiver: Receiver,
  cycleMs: number | undefined,
): Promise<DrainSample> {
  return withStore(homes, async (store) => {
    const clock = new SkippingClock();
    const outbox = store.ticketOutbox();
    const route = 'pagerduty';
    await outbox.enqueue(queuedActions(route, DRAIN_TRIGGERS, ['trigger'], clock.now()), clock.now());
    const transport = new TimedTransport(transportFor('pagerduty', receiver, DRAIN_RATE), clock);
    const routes = new Map<string, RouteDelivery>([
      [route, { transport, maxAttempts: TICKET_DEFAULTS.maxAttempts }],
    ]);
    const problems: string[] = [];
    const onProblem = (message: string) => problems.push(message);
    const realStart = performance.now();
    const start = clock.now().getTime();
    let passes = 0;
    if (cycleMs === undefined) {
      await deliverTickets({
        outbox,
        links: outbox,
        routes,
        clock,
        deadline: new Date(start + DELIVERY_LIMIT_MS * 6),
        audit: store,
        onProblem,
      });
      passes = 1;
    } else {
      const pipeline = ticketPipeline({
        outbox,
        links: outbox,
        routes,
        clock,
        audit: store,
        passMs: DEFAULT_TICKET_PASS_MS,
        onProblem,
      });
      while ((await outbox.counts()).pending > 0) {
        if (passes === MAX_PASSES) throw new Error(`drain: still pending after ${MAX_PASSES} passes`);
        await clock.sleep(start + passes * cycleMs - clock.now().getTime());
        await pipeline.deliver();
        passes++;
      }
    }
    const realMs = performance.now() - realStart;
    const counts = await outbox.counts();
    if (
      counts.delivered !== DRAIN_TRIGGERS ||
      transport.sentAt.length !== DRAIN_TRIGGERS ||
      problems.length > 0
    ) {
      throw new Error(
        `drain: ${counts.delivered}/${DRAIN_TRIGGERS} delivered in ${transport.sentAt.length} sends\n${problems.slice(0, 5).join('\n')}`,
      );
    }
    const offsets = transport.sentAt.map((t) => t - start);
    const perMinute: number[] = [];
    for (const offset of offsets) {
      const minute = Math.floor(offset / 60_000);
      while (perMinute.length <= minute) perMinute.push(0);
      perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
    return {
      drainMs: Math.max(...offsets),
      passes,
      perMinute,
      busiestMinute: busiestWindow(transport.sentAt, 60_000),
      realMs,
    };
  });
}

/** Queued triggers drained at the PagerDuty rate, with a skipping clock; returns the printed table. */
export async function drainBench(homes: Homes, receiver: Receiver): Promise<string> {
  const rows: string[][] = [];
  for (const mode of DRAIN_MODES) {
    const samples: DrainSample[] = [];
    for (let run = 0; run < REPEATS; run++) samples.push(await drainOnce(homes, receiver, mode.cycleMs));
    const middle = [...samples].sort((a, b) => a.drainMs - b.drainMs)[Math.floor(samples.length / 2)];
    if (middle === undefined) throw new Error('drain: no samples');
    rows.push([
      mode.name,
      (median(samples.map((s) => s.drainMs)) / 1000).toFixed(1),
      String(middle.passes),
      middle.perMinute.join('/'),
      String(Math.max(...samples.map((s) => s.busiestMinute))),
      median(samples.map((s) => s.realMs)).toFixed(0),
    ]);
  }
  process.stderr.write('  drain done\n');
  return table(['delivery', 'drained s', 'passes', 'sends per minute', 'max in 60 s', 'real ms'], rows);
}
