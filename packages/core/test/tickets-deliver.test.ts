import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import {
  deliverTickets,
  type RouteDelivery,
  type TicketDeliveryOptions,
} from '../src/tickets/deliver-tickets.js';
import type { TicketRecord, TicketTransport } from '../src/tickets/ports.js';
import type { TicketAction } from '../src/tickets/ticket-event.js';
import { ManualClock, MemoryStore } from './support/doubles.js';
import { MemoryTicketOutbox } from './support/memory-ticket-outbox.js';
import { makeTicketEvent } from './support/tickets-fixtures.js';

type Reply = { ref: string | null } | TransportError | Error;

/** A transport that answers from a script (then succeeds) and records what it was asked to send. */
class ScriptedTransport implements TicketTransport {
  readonly sent: Array<{ id: string; action: TicketAction; at: string }> = [];
  constructor(
    private readonly replies: Reply[] = [],
    readonly ratePerMinute?: number,
    readonly secrets: readonly string[] = [],
    private readonly clock?: ManualClock,
  ) {}
  async send(record: TicketRecord) {
    this.sent.push({ id: record.id, action: record.event.action, at: this.clock?.now().toISOString() ?? '' });
    const reply = this.replies.shift() ?? { ref: `ref-${record.id}` };
    if (reply instanceof Error) throw reply;
    return reply;
  }
}

const down = (message = 'cannot reach http://127.0.0.1:9/v2/enqueue: ECONNREFUSED') =>
  new TransportError(message, { retryable: true });
const refused = (message = 'HTTP 400: invalid event') => new TransportError(message, { retryable: false });

async function setup(ids: Array<[string, TicketAction, string?]>, route = 'pd') {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00.000Z'));
  const outbox = new MemoryTicketOutbox();
  const audit = new MemoryStore();
  await outbox.enqueue(
    ids.map(([id, action, key]) => ({
      id,
      route,
      event: makeTicketEvent({ action, dedupKey: key ?? 'healops/web/nginx-up/web-1' }),
    })),
    clock.now(),
  );
  const problems: string[] = [];
  const run = (routes: Record<string, RouteDelivery>, over: Partial<TicketDeliveryOptions> = {}) =>
    deliverTickets({
      outbox,
      links: outbox,
      routes: new Map(Object.entries(routes)),
      clock,
      deadline: new Date(clock.now().getTime() + 30_000),
      audit,
      onProblem: (m) => problems.push(m),
      random: () => 0.5,
      ...over,
    });
  return { clock, outbox, audit, problems, run };
}

const via = (transport: TicketTransport, maxAttempts = 12): RouteDelivery => ({ transport, maxAttempts });

describe('deliverTickets', () => {
  it('delivers the actions of a problem in order and records each with its reference', async () => {
    const t = await setup([
      ['t', 'trigger'],
      ['u', 'update'],
      ['r', 'resolve'],
    ]);
    const transport = new ScriptedTransport();
    expect(await t.run({ pd: via(transport) })).toEqual({ delivered: 3, failed: 0, dead: 0 });
    expect(transport.sent.map((s) => s.action)).toEqual(['trigger', 'update', 'resolve']);
    expect(await t.outbox.list({})).toMatchObject([
      { id: 't', state: 'delivered', ref: 'ref-t', attempts: 1 },
      { id: 'u', state: 'delivered' },
      { id: 'r', state: 'delivered' },
    ]);
    expect(t.audit.events.map((e) => `${e.type} ${e.message}`)).toEqual([
      'ticket-delivered pd: trigger delivered (ref-t)',
      'ticket-delivered pd: update delivered (ref-u)',
      'ticket-delivered pd: resolve delivered (ref-r)',
    ]);
  });

  it('retries quickly within the pass: 500 then 202 is delivered once, in this run', async () => {
    const t = await setup([['t', 'trigger']]);
    const transport = new ScriptedTransport([down('HTTP 500 from receiver')]);
    expect(await t.run({ pd: via(transport) })).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(transport.sent).toHaveLength(2);
    expect(t.clock.slept).toEqual([1_000]);
    expect((await t.outbox.list({}))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('dead-letters a refused action at once with the reason, and goes on with the next', async () => {
    const t = await setup([
      ['t', 'trigger'],
      ['r', 'resolve'],
    ]);
    const transport = new ScriptedTransport([refused('HTTP 400: routing_key is invalid')]);
    expect(await t.run({ pd: via(transport) })).toEqual({ delivered: 1, failed: 0, dead: 1 });
    expect(transport.sent.map((s) => s.id)).toEqual(['t', 'r']);
    expect((await t.outbox.list({}))[0]).toMatchObject({
      state: 'dead',
      lastError: 'HTTP 400: routing_key is invalid',
    });
    expect(t.audit.events[0]).toMatchObject({ type: 'ticket-dead' });
    expect(t.problems[0]).toContain('dead-lettered (refused by the receiver)');
  });

  it('leaves a down receiver’s actions pending with backoff, untried, while other routes deliver', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
    ]);
    await t.outbox.enqueue([{ id: 'w', route: 'hook', event: makeTicketEvent() }], t.clock.now());
    const pd = new ScriptedTransport([down(), down(), down()]);
    const hook = new ScriptedTransport();
    const start = t.clock.now().getTime();
    expect(await t.run({ pd: via(pd), hook: via(hook) })).toEqual({ delivered: 1, failed: 1, dead: 0 });
    expect(pd.sent.map((s) => s.id)).toEqual(['a', 'a', 'a']);
    const [a, b] = await t.outbox.list({ route: 'pd' });
    expect(a).toMatchObject({ state: 'pending', attempts: 1 });
    expect(Date.parse(a?.nextAttemptAt ?? '')).toBe(start + 1_000 + 2_000 + 60_000);
    expect(b).toMatchObject({ state: 'pending', attempts: 0 });
    expect(t.problems.join('\n')).toContain('not delivered, next try');
    // The next pass in the same process respects a's backoff; b, never tried, gets its own try.
    const still = new ScriptedTransport([down(), down(), down()]);
    expect(await t.run({ pd: via(still) })).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(still.sent.map((s) => s.id)).toEqual(['b', 'b', 'b']);
    expect((await t.outbox.list({ route: 'pd' })).map((r) => r.attempts)).toEqual([1, 1]);
  });

  it('a new process probes a waiting receiver; a failed probe spends no attempt, a good one sends the rest', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
    ]);
    await t.run({ pd: via(new ScriptedTransport([down(), down(), down()])) });
    const probe = new ScriptedTransport([down(), down(), down()]);
    expect(await t.run({ pd: via(probe) }, { probe: true })).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(probe.sent.map((s) => s.id)).toEqual(['a', 'a', 'a']);
    expect((await t.outbox.list({}))[0]).toMatchObject({ attempts: 1 });

    const back = new ScriptedTransport();
    expect(await t.run({ pd: via(back) }, { probe: true })).toEqual({ delivered: 2, failed: 0, dead: 0 });
    expect(back.sent.map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('dead-letters after maxAttempts passes with the last error', async () => {
    const t = await setup([['a', 'trigger']]);
    const transport = new ScriptedTransport(Array.from({ length: 6 }, () => down()));
    await t.run({ pd: via(transport, 2) });
    t.clock.advance(10 * 60_000);
    expect(await t.run({ pd: via(transport, 2) })).toEqual({ delivered: 0, failed: 0, dead: 1 });
    expect((await t.outbox.list({}))[0]).toMatchObject({ state: 'dead', attempts: 2 });
    expect(t.problems.at(-1)).toContain('gave up after 2 delivery passes');
  });

  it('keeps to the route’s rate, waiting for a slot within the deadline and leaving the rest pending', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
      ['c', 'trigger', 'k3'],
    ]);
    const transport = new ScriptedTransport([], 2, [], t.clock);
    expect(
      await t.run({ pd: via(transport) }, { deadline: new Date(t.clock.now().getTime() + 90_000) }),
    ).toEqual({
      delivered: 3,
      failed: 0,
      dead: 0,
    });
    expect(transport.sent.map((s) => s.at)).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T10:01:00.500Z',
    ]);

    const short = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
      ['c', 'trigger', 'k3'],
    ]);
    const limited = new ScriptedTransport([], 2);
    expect(await short.run({ pd: via(limited) })).toEqual({ delivered: 2, failed: 0, dead: 0 });
    expect((await short.outbox.list({ states: ['pending'] })).map((r) => [r.id, r.attempts])).toEqual([
      ['c', 0],
    ]);
  });

  it('counts sends made before it started against the rate', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
    ]);
    await t.run({ pd: via(new ScriptedTransport([refused()])) });
    await t.outbox.enqueue(
      [{ id: 'c', route: 'pd', event: makeTicketEvent({ dedupKey: 'k3' }) }],
      t.clock.now(),
    );
    const transport = new ScriptedTransport([], 2);
    expect(await t.run({ pd: via(transport) })).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(transport.sent).toEqual([]);
  });

  it('frees a slot taken by an earlier process when that send leaves the window, not a minute from now', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
    ]);
    await t.run(
      { pd: via(new ScriptedTransport([], 1)) },
      { deadline: new Date(t.clock.now().getTime() + 1) },
    );
    t.clock.advance(50_000);
    const transport = new ScriptedTransport([], 1, [], t.clock);
    expect(await t.run({ pd: via(transport) })).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(transport.sent.map((s) => s.at)).toEqual(['2026-03-01T10:01:00.500Z']);
  });

  it('scrubs the transport’s secrets from stored errors and reports', async () => {
    const key = 'R0UTINGKEY0123456789abcdef012345';
    const t = await setup([['a', 'trigger']]);
    const transport = new ScriptedTransport([refused(`HTTP 400: bad routing_key "${key}"`)], undefined, [
      key,
    ]);
    await t.run({ pd: via(transport) });
    const [record] = await t.outbox.list({});
    expect(record?.lastError).toBe('HTTP 400: bad routing_key "***"');
    expect(JSON.stringify([t.problems, t.audit.events])).not.toContain(key);
  });

  it('treats an unexpected error as retryable: a bug must not lose a ticket', async () => {
    const t = await setup([['a', 'trigger']]);
    await t.run({
      pd: via(new ScriptedTransport([new Error('boom'), new Error('boom'), new Error('boom')])),
    });
    expect((await t.outbox.list({}))[0]).toMatchObject({ state: 'pending', lastError: 'boom' });
  });

  it('stops at the deadline and on abort, giving back what it claimed', async () => {
    const t = await setup([
      ['a', 'trigger', 'k1'],
      ['b', 'trigger', 'k2'],
    ]);
    const controller = new AbortController();
    const transport: TicketTransport = {
      send: async () => {
        controller.abort();
        return { ref: null };
      },
    };
    expect(await t.run({ pd: via(transport) }, { signal: controller.signal })).toEqual({
      delivered: 1,
      failed: 0,
      dead: 0,
    });
    const next = new ScriptedTransport();
    await t.run({ pd: via(next) });
    expect(next.sent.map((s) => s.id)).toEqual(['b']);
  });
});
