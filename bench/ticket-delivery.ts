/**
 * Cost and throughput of the ticket pipeline (issue 4): queuing with the state, delivering, and rate-limited draining.
 *
 *   npx tsx bench/ticket-delivery.ts
 *
 * Every run uses a fresh SQLite store in a temp home (under os.tmpdir(), so TMPDIR chooses the disk); all of them
 * are removed at the end. Each figure is the median of 3 runs.
 *   1. queue    SqliteStore.save(state, version, tickets) of a failing check's state (with its open problem), with
 *               0, 1 and 3 ticket actions queued in the same transaction (3 = one action fanned out to three
 *               routes): 2,000 saves (200 checks x 10 results) awaited one after the other. Runs interleave and
 *               follow one untimed warm-up run.
 *   2. deliver  1,000 pending actions (200 problems x trigger, 3 updates, resolve; one route) delivered by one
 *               deliverTickets call with the system clock, the store as audit trail and the outbox as links (as the
 *               CLI wires them), through the real PagerDutyTransport (ratePerMinute so high that the limiter never
 *               waits), the real WebhookTransport (HMAC-signed) and a transport that answers at once (the SQLite
 *               and deliverer cost alone). The receiver is node:http on 127.0.0.1 in a worker thread (its own event
 *               loop, as a remote receiver would be): it answers 202 like PagerDuty, checks each routing key and
 *               webhook signature, and counts requests. `raw fetch` is the limit: the same number of plain fetch
 *               POSTs of a PagerDuty body to the same receiver. Time inside transport.send is measured apart
 *               (body building, signing, HTTP), the rest is claim / mark delivered / audit in SQLite plus the
 *               deliverer itself.
 *   3. drain    300 queued triggers (300 problems) through the real PagerDutyTransport at the default 120 per
 *               minute, to the same receiver. Not waited for in real time: the clock skips every sleep (adds it at
 *               once) and otherwise runs at real speed, so the figures are what the deliverer would take, HTTP and
 *               SQLite included. Once as one deliverTickets call without a deadline, and as ticketPipeline passes
 *               (at most DEFAULT_TICKET_PASS_MS each, one per cycle) of a daemon whose cycles start every 30 s / 60 s.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  type CheckKey,
  type CheckState,
  type Clock,
  DEFAULT_TICKET_PASS_MS,
  deliverTickets,
  initialState,
  pagerDutyEvent,
  problemDedupKey,
  type QueuedTicket,
  type RouteDelivery,
  TICKET_DEFAULTS,
  type TicketAction,
  type TicketEvent,
  type TicketRecord,
  type TicketSendContext,
  type TicketTransport,
  ticketPipeline,
} from '@healops/core';
import { SystemClock } from '@healops/local';
import { PagerDutyTransport, WebhookTransport } from '@healops/sinks';
import { openSqliteStore, type SqliteStore } from '@healops/sqlite';
import { makeTicketEvent } from '../packages/core/test/support/tickets-fixtures.js';

const REPEATS = 3;

const SAVE_CHECKS = 200;
const SAVE_ROUNDS = 10;
const SAVES = SAVE_CHECKS * SAVE_ROUNDS;
const TICKETS_PER_SAVE = [0, 1, 3] as const;
const FAN_OUT_ROUTES = ['pagerduty', 'jira', 'webhook'] as const;

const PROBLEMS = 200;
const PROBLEM_ACTIONS: readonly TicketAction[] = ['trigger', 'update', 'update', 'update', 'resolve'];
const ACTIONS = PROBLEMS * PROBLEM_ACTIONS.length;
/** High enough that the rate window never makes the deliverer wait (the window is still kept). */
const UNBOUNDED_RATE = 1_000_000;
const DELIVERY_MODES = ['pagerduty', 'webhook', 'immediate', 'raw fetch'] as const;
type DeliveryMode = (typeof DELIVERY_MODES)[number];

const DRAIN_TRIGGERS = 300;
const DRAIN_RATE = TICKET_DEFAULTS.pagerDutyRatePerMinute;
const DRAIN_MODES = [
  { name: 'one deliverTickets call, no deadline', cycleMs: undefined },
  { name: `ticketPipeline, pass ≤${DEFAULT_TICKET_PASS_MS / 1000} s every 60 s`, cycleMs: 60_000 },
  { name: `ticketPipeline, pass ≤${DEFAULT_TICKET_PASS_MS / 1000} s every 30 s`, cycleMs: 30_000 },
] as const;
/** Safety limit on simulated passes. */
const MAX_PASSES = 100;

const ROUTING_KEY = 'bench-routing-key-0123456789abcdef';
const WEBHOOK_SECRET = 'bench-webhook-secret';
const TIMEOUT_MS = 10_000;
/** A delivery run that has not finished by then has gone wrong (it is a safety limit, not a measurement). */
const DELIVERY_LIMIT_MS = 10 * 60_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Temp homes under one directory, removed at the end. */
class Homes {
  readonly root = mkdtempSync(join(tmpdir(), 'healops-bench-tickets-'));
  #next = 0;

  open(): SqliteStore {
    const home = join(this.root, `home-${this.#next++}`);
    mkdirSync(home);
    return openSqliteStore(home);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

async function withStore<T>(homes: Homes, work: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = homes.open();
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

function checkKey(i: number): CheckKey {
  return { package: 'bench', check: `check-${i % 25}`, target: `srv-${i}` };
}

function ticketEvent(key: CheckKey, action: TicketAction, at: Date): TicketEvent {
  return makeTicketEvent({
    action,
    key,
    dedupKey: problemDedupKey(key),
    summary: `${key.package}/${key.check} on ${key.target}: CRITICAL - connection refused`,
    occurredAt: at.toISOString(),
  });
}

// --- 1. queue --------------------------------------------------------------------------------------------------

interface Save {
  readonly state: CheckState;
  readonly expectedVersion: number;
  readonly tickets: readonly QueuedTicket[];
}

/** A failing check's state after `round` results, with its open problem (what a save with tickets carries). */
function failingState(key: CheckKey, round: number, at: Date): CheckState {
  const time = at.toISOString();
  return {
    ...initialState(key),
    lastStatus: 'critical',
    lastRunAt: time,
    consecutiveFailures: round + 1,
    history: Array.from({ length: 21 }, (_, i) => (i > 20 - round ? 2 : 0)),
    repairTimes: [time],
    failedRepairStreak: 1,
    incidentRepairs: 2,
    problem: {
      dedupKey: problemDedupKey(key),
      openedAt: '2026-03-01T09:59:00.000Z',
      severity: 'critical',
      reason: 'repair-failed',
      lastStatus: 'critical',
      lastOutput: 'CRITICAL - connection refused\nport 80 closed | time=0.002s;1;2;0 size=0B',
      updatedAt: time,
      occurrences: round + 1,
    },
  };
}

/** Round-major, as cycles produce them: each check's version follows its previous save. */
function plannedSaves(checks: number, rounds: number, ticketsPerSave: number): Save[] {
  const saves: Save[] = [];
  const base = Date.now() - 3_600_000;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < checks; i++) {
      const key = checkKey(i);
      const at = new Date(base + (round * checks + i) * 1_000);
      const event = ticketEvent(key, round === 0 ? 'trigger' : 'update', at);
      saves.push({
        state: failingState(key, round, at),
        expectedVersion: round,
        tickets: FAN_OUT_ROUTES.slice(0, ticketsPerSave).map((route) => ({
          id: randomUUID(),
          route,
          event,
        })),
      });
    }
  }
  return saves;
}

async function queueOnce(
  homes: Homes,
  checks: number,
  rounds: number,
  ticketsPerSave: number,
): Promise<number> {
  const saves = plannedSaves(checks, rounds, ticketsPerSave);
  return withStore(homes, async (store) => {
    const start = performance.now();
    for (const save of saves) await store.save(save.state, save.expectedVersion, save.tickets);
    const ms = performance.now() - start;
    const pending = (await store.ticketOutbox().counts()).pending;
    const states = (await store.listStates()).length;
    if (pending !== saves.length * ticketsPerSave || states !== checks) {
      throw new Error(`queue: ${pending} actions queued, ${states} states saved`);
    }
    return ms;
  });
}

async function queueBench(homes: Homes): Promise<string> {
  await queueOnce(homes, SAVE_CHECKS, 1, 3);
  const samples = new Map<number, number[]>(TICKETS_PER_SAVE.map((n) => [n, []]));
  for (let run = 0; run < REPEATS; run++) {
    for (const n of TICKETS_PER_SAVE)
      samples.get(n)?.push(await queueOnce(homes, SAVE_CHECKS, SAVE_ROUNDS, n));
  }
  process.stderr.write('  queue done\n');
  const usPerSave = (n: number) => (median(samples.get(n) ?? []) * 1000) / SAVES;
  const plain = usPerSave(0);
  return table(
    ['tickets/save', 'saves/s', 'µs/save', '+µs vs 0', '+µs/ticket'],
    TICKETS_PER_SAVE.map((n) => {
      const us = usPerSave(n);
      return [
        String(n),
        (1_000_000 / us).toFixed(0),
        us.toFixed(1),
        n === 0 ? '-' : (us - plain).toFixed(1),
        n === 0 ? '-' : ((us - plain) / n).toFixed(1),
      ];
    }),
  );
}

// --- the receiver ------------------------------------------------------------------------------------------------

/** Runs in a worker thread (CommonJS, plain JavaScript): a PagerDuty-like and webhook receiver on loopback. */
const RECEIVER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const counts = { pagerduty: 0, webhook: 0, raw: 0, bad: 0 };
function accept(req, body) {
  if (req.url === '/v2/enqueue') {
    const event = JSON.parse(body.toString('utf8'));
    const ok = event.routing_key === workerData.routingKey && ['trigger', 'resolve'].includes(event.event_action);
    if (ok) counts.pagerduty++;
    return ok ? event.dedup_key : undefined;
  }
  if (req.url === '/hooks/healops') {
    const timestamp = String(req.headers['healops-timestamp']);
    const expected = 'v1=' + createHmac('sha256', workerData.secret).update(timestamp + '.').update(body).digest('hex');
    const ok = req.headers['healops-signature'] === expected &&
      JSON.parse(body.toString('utf8')).id === req.headers['healops-delivery'];
    if (ok) counts.webhook++;
    return ok ? '' : undefined;
  }
  if (req.url === '/raw') {
    counts.raw++;
    return '';
  }
  return undefined;
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let dedupKey;
    try {
      dedupKey = accept(req, Buffer.concat(chunks));
    } catch {
      dedupKey = undefined;
    }
    if (dedupKey === undefined) counts.bad++;
    res.writeHead(dedupKey === undefined ? 400 : 202, { 'content-type': 'application/json' });
    res.end(JSON.stringify(dedupKey === undefined
      ? { status: 'invalid event', message: 'Event object is invalid' }
      : { status: 'success', message: 'Event processed', dedup_key: dedupKey }));
  });
});
parentPort.on('message', () => parentPort.postMessage({ counts: { ...counts } }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

interface ReceiverCounts {
  readonly pagerduty: number;
  readonly webhook: number;
  readonly raw: number;
  readonly bad: number;
}

class Receiver {
  readonly #worker: Worker;
  readonly url: string;

  private constructor(worker: Worker, port: number) {
    this.#worker = worker;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<Receiver> {
    const worker = new Worker(RECEIVER_SOURCE, {
      eval: true,
      workerData: { routingKey: ROUTING_KEY, secret: WEBHOOK_SECRET },
    });
    const [message] = (await once(worker, 'message')) as [{ port: number }];
    return new Receiver(worker, message.port);
  }

  async counts(): Promise<ReceiverCounts> {
    const answer = once(this.#worker, 'message');
    this.#worker.postMessage('counts');
    const [message] = (await answer) as [{ counts: ReceiverCounts }];
    return message.counts;
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

// --- 2. deliver --------------------------------------------------------------------------------------------------

/** Measures the time spent inside the wrapped transport's send, and when (by `clock`) each send started. */
class TimedTransport implements TicketTransport {
  readonly ratePerMinute: number | undefined;
  readonly secrets: readonly string[] | undefined;
  readonly sentAt: number[] = [];
  sendMs = 0;
  readonly #inner: TicketTransport;
  readonly #clock: Clock;

  constructor(inner: TicketTransport, clock: Clock) {
    this.#inner = inner;
    this.#clock = clock;
    this.ratePerMinute = inner.ratePerMinute;
    this.secrets = inner.secrets;
  }

  async send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    this.sentAt.push(this.#clock.now().getTime());
    const start = performance.now();
    try {
      return await this.#inner.send(record, context);
    } finally {
      this.sendMs += performance.now() - start;
    }
  }
}

/** Answers at once: what is left is SQLite and the deliverer. */
const immediateTransport: TicketTransport = {
  send: async () => ({ ref: null }),
};

function transportFor(
  mode: Exclude<DeliveryMode, 'raw fetch'>,
  receiver: Receiver,
  rate: number,
): TicketTransport {
  switch (mode) {
    case 'pagerduty':
      return new PagerDutyTransport({
        url: `${receiver.url}/v2/enqueue`,
        routingKey: ROUTING_KEY,
        timeoutMs: TIMEOUT_MS,
        ratePerMinute: rate,
      });
    case 'webhook':
      return new WebhookTransport({
        url: `${receiver.url}/hooks/healops`,
        secret: WEBHOOK_SECRET,
        timeoutMs: TIMEOUT_MS,
      });
    case 'immediate':
      return immediateTransport;
  }
}

/** Actions of `problems` problems, round-major (each cycle adds one action per problem), due at `at`. */
function queuedActions(
  route: string,
  problems: number,
  actions: readonly TicketAction[],
  at: Date,
): QueuedTicket[] {
  return actions.flatMap((action) =>
    Array.from({ length: problems }, (_, i) => ({
      id: randomUUID(),
      route,
      event: ticketEvent(checkKey(i), action, at),
    })),
  );
}

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

async function deliverBench(homes: Homes, receiver: Receiver): Promise<string> {
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

// --- 3. drain ----------------------------------------------------------------------------------------------------

/**
 * Real time, except that sleeps are skipped: a sleep adds its length to the clock at once. What the deliverer does
 * (HTTP, SQLite) still takes its real time, so now() is what the system clock would read.
 */
class SkippingClock implements Clock {
  readonly #origin = Date.now();
  readonly #startedAt = performance.now();
  #skippedMs = 0;

  now(): Date {
    return new Date(this.#origin + Math.floor(performance.now() - this.#startedAt + this.#skippedMs));
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.#skippedMs += Math.max(0, ms);
  }
}

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

async function drainBench(homes: Homes, receiver: Receiver): Promise<string> {
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

// --- main --------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const homes = new Homes();
  const receiver = await Receiver.start();
  try {
    const queue = await queueBench(homes);
    const deliver = await deliverBench(homes, receiver);
    const drain = await drainBench(homes, receiver);
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `healops ticket pipeline: node ${process.version}, ${process.platform}/${process.arch}, ` +
        `${availableParallelism()} CPUs (${cpu}), temp homes in ${tmpdir()}, median of ${REPEATS}`,
    );
    console.log(
      `\n1. queuing: ${SAVES} SqliteStore.save() of a failing check's state (${SAVE_CHECKS} checks x ${SAVE_ROUNDS}), ` +
        'tickets queued in the same transaction',
    );
    console.log(queue);
    console.log(
      '(WAL, synchronous=NORMAL: a commit is not fsynced; +µs/ticket = the extra cost per queued action)',
    );
    console.log(
      `\n2. delivery: ${ACTIONS} pending actions (${PROBLEMS} problems x ${PROBLEM_ACTIONS.length}) on one route, ` +
        'one deliverTickets call,\n   to node:http on 127.0.0.1 (in a worker thread) answering 202',
    );
    console.log(deliver);
    console.log(
      'ms per action. in send = inside transport.send (body, signing, HTTP round trip); outside send = claim,\n' +
        'mark delivered and audit in SQLite, plus the deliverer. pagerduty: ratePerMinute ' +
        `${UNBOUNDED_RATE.toLocaleString('en')} (never waits).\n` +
        'immediate = a transport that answers at once (SQLite and the deliverer alone).\n' +
        `raw fetch = ${ACTIONS} plain sequential fetch POSTs of a PagerDuty body (the HTTP limit).`,
    );
    console.log(
      `\n3. draining ${DRAIN_TRIGGERS} queued triggers at PagerDuty's default ${DRAIN_RATE}/min ` +
        '(real PagerDutyTransport to the same receiver)',
    );
    console.log(drain);
    console.log(
      'Simulated, not waited for: the clock skips every sleep of the deliverer (adds it at once) and otherwise runs at\n' +
        'real speed, so drained s (time of the last send after the start) includes the real HTTP and SQLite time;\n' +
        'real ms = how long the simulation took. A pass is one ticketPipeline.deliver() at the end of a cycle.\n' +
        'max in 60 s = most sends started within 60 s. The limiter starts send n+120 60.5 s after send n\n' +
        '(half a second of margin for the receiver’s clock), so this should never exceed the rate.',
    );
  } finally {
    await receiver.stop();
    homes.remove();
  }
}

await main();
