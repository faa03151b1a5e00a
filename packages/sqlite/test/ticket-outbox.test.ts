import { type QueuedTicket, StateConflictError, type TicketAction } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { makeTicketEvent } from '../../core/test/support/tickets-fixtures.js';
import { freshState, KEY, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const CLAIM = { claimMs: 60_000 };

function queued(
  id: string,
  action: TicketAction,
  dedupKey = 'healops/web/nginx-up/web-1',
  route = 'pd',
): QueuedTicket {
  return { id, route, event: makeTicketEvent({ action, dedupKey }) };
}

describe('SqliteStore.save with tickets', () => {
  it('queues the tickets in the same transaction as the state', async () => {
    const store = open(home());
    const outbox = store.ticketOutbox();
    await store.save(freshState(), 0, [queued('a', 'trigger')]);
    const [record] = await outbox.list({});
    expect(record).toMatchObject({ id: 'a', route: 'pd', state: 'pending', attempts: 0, ref: null });
    expect(record?.event).toEqual(makeTicketEvent({ action: 'trigger' }));
  });

  it('queues nothing when the state write loses a conflict', async () => {
    const store = open(home());
    await store.save(freshState(), 0);
    await expect(store.save(freshState(), 0, [queued('a', 'trigger')])).rejects.toThrow(StateConflictError);
    expect(await store.ticketOutbox().list({})).toEqual([]);
  });

  it('saves nothing when a ticket cannot be queued (duplicate delivery id)', async () => {
    const store = open(home());
    await store.save(freshState(), 0, [queued('a', 'trigger')]);
    await expect(store.save({ ...freshState(), version: 1 }, 1, [queued('a', 'update')])).rejects.toThrow(
      /UNIQUE/,
    );
    expect((await store.load(KEY))?.version).toBe(1);
    expect(await store.ticketOutbox().list({})).toHaveLength(1);
  });
});

describe('SqliteTicketOutbox claims', () => {
  it('returns only the oldest pending action of each problem, so a resolve never overtakes its trigger', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue(
      [queued('t1', 'trigger', 'k1'), queued('r1', 'resolve', 'k1'), queued('t2', 'trigger', 'k2')],
      T0,
    );
    const first = await outbox.claimDue('pd', T0, 10, CLAIM);
    expect(first.map((r) => r.id)).toEqual(['t1', 't2']);
    await outbox.markDelivered('t1', at(1), 'k1');
    // t2 is still claimed; r1 is next for k1 once t1 is delivered.
    expect((await outbox.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['r1']);
  });

  it('a dead action does not block the later actions of its problem', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('t1', 'trigger'), queued('r1', 'resolve')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'HTTP 400: invalid event', { dead: true }, at(1));
    expect((await outbox.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['r1']);
    expect(await outbox.counts()).toEqual({ pending: 1, delivered: 0, dead: 1 });
  });

  it('keeps claimed actions from a second deliverer until released or expired', async () => {
    const store = open(home());
    const outbox = store.ticketOutbox();
    const other = open(store.path.replace(/\/healops\.db$/, '')).ticketOutbox();
    await outbox.enqueue([queued('t1', 'trigger', 'k1'), queued('t2', 'trigger', 'k2')], T0);
    expect(await outbox.claimDue('pd', T0, 10, CLAIM)).toHaveLength(2);
    expect(await other.claimDue('pd', at(1), 10, CLAIM)).toEqual([]);
    await outbox.release(['t2']);
    expect((await other.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['t2']);
    expect((await other.claimDue('pd', at(60_001), 10, CLAIM)).map((r) => r.id)).toEqual(['t1']);
  });

  it('filters by route', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('a', 'trigger', 'k', 'pd'), queued('b', 'trigger', 'k', 'jira')], T0);
    expect((await outbox.claimDue('jira', T0, 10, CLAIM)).map((r) => r.id)).toEqual(['b']);
  });
});

describe('SqliteTicketOutbox retries', () => {
  it('waits for the retry time unless told to ignore it, and counts attempts', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('t1', 'trigger')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'HTTP 503', { retryAt: at(60_000), countAttempt: true }, at(1));
    expect(await outbox.claimDue('pd', at(2), 10, CLAIM)).toEqual([]);
    const [probe] = await outbox.claimDue('pd', at(3), 1, { ...CLAIM, ignoreBackoff: true });
    expect(probe).toMatchObject({ id: 't1', attempts: 1, lastError: 'HTTP 503' });
    // A failed probe ahead of the retry time keeps the count and the schedule it was given.
    await outbox.markFailed('t1', 'HTTP 502', { retryAt: at(60_000), countAttempt: false }, at(4));
    const [again] = await outbox.claimDue('pd', at(60_000), 10, CLAIM);
    expect(again).toMatchObject({ attempts: 1, lastError: 'HTTP 502', lastAttemptAt: at(4).toISOString() });
  });

  it('treats a retry time further than any real wait as due (the clock went backwards)', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('t1', 'trigger')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'down', { retryAt: at(30 * 3_600_000), countAttempt: true }, at(1));
    expect((await outbox.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['t1']);
  });

  it('re-queues dead actions by id or all of them, with a fresh attempt count', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue(
      [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
      T0,
    );
    await outbox.claimDue('pd', T0, 10, CLAIM);
    for (const id of ['a', 'b']) await outbox.markFailed(id, 'refused', { dead: true }, at(1));
    await outbox.markDelivered('c', at(1), null);
    expect(await outbox.retryDead(['a', 'c', 'missing'], at(2))).toBe(1);
    expect(await outbox.list({ states: ['pending'] })).toMatchObject([{ id: 'a', attempts: 0 }]);
    expect(await outbox.retryDead(undefined, at(3))).toBe(1);
    expect(await outbox.counts()).toEqual({ pending: 2, delivered: 1, dead: 0 });
  });

  it('leaves a dead action superseded by a later live one of its problem dead', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue(
      [queued('t', 'trigger'), queued('r', 'resolve'), queued('x', 'trigger', 'other')],
      T0,
    );
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t', 'down for hours', { dead: true }, at(1));
    await outbox.markFailed('x', 'refused', { dead: true }, at(1));
    await outbox.claimDue('pd', at(2), 10, CLAIM);
    await outbox.markDelivered('r', at(3), null);
    expect(await outbox.retryDead(undefined, at(4))).toBe(1);
    expect((await outbox.list({ states: ['dead'] })).map((r) => r.id)).toEqual(['t']);
    expect((await outbox.list({ states: ['pending'] })).map((r) => r.id)).toEqual(['x']);
  });

  it('will not record a failure for an action that is not pending', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('a', 'trigger')], T0);
    await outbox.markDelivered('a', at(1), null);
    await expect(
      outbox.markFailed('a', 'late', { retryAt: at(2), countAttempt: true }, at(2)),
    ).rejects.toThrow(/not in the outbox \(or not pending\)/);
  });
});

describe('SqliteTicketOutbox records', () => {
  it('lists the most recent records oldest first, filtered by state, route and problem', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue(
      ['a', 'b', 'c', 'd'].map((id, i) => queued(id, 'trigger', `k${i % 2}`, i === 3 ? 'jira' : 'pd')),
      T0,
    );
    expect((await outbox.list({ limit: 2 })).map((r) => r.id)).toEqual(['c', 'd']);
    expect((await outbox.list({ route: 'pd', dedupKey: 'k0' })).map((r) => r.id)).toEqual(['a', 'c']);
    await outbox.markDelivered('b', at(1), 'OPS-1');
    expect(await outbox.list({ states: ['delivered'] })).toMatchObject([
      { id: 'b', ref: 'OPS-1', deliveredAt: at(1).toISOString(), attempts: 1 },
    ]);
  });

  it('counts sends per route since a time (the rate limit seed)', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue([queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2')], T0);
    await outbox.markDelivered('a', at(1_000), null);
    await outbox.markFailed('b', 'down', { retryAt: at(90_000), countAttempt: true }, at(30_000));
    expect(await outbox.attemptsSince('pd', at(0))).toEqual([at(1_000), at(30_000)]);
    expect(await outbox.attemptsSince('pd', at(10_000))).toEqual([at(30_000)]);
    expect(await outbox.attemptsSince('jira', at(0))).toEqual([]);
  });

  it('prunes only delivered actions older than the cut', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.enqueue(
      [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
      T0,
    );
    await outbox.markDelivered('a', at(1), null);
    await outbox.markDelivered('b', at(10_000), null);
    expect(await outbox.prune(at(5_000))).toBe(1);
    expect((await outbox.list({})).map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('keeps one link per route and problem, and forgets it on null', async () => {
    const outbox = open(home()).ticketOutbox();
    await outbox.setLink('jira', 'k1', 'OPS-1', T0);
    await outbox.setLink('jira', 'k1', 'OPS-2', at(1));
    await outbox.setLink('other', 'k1', 'X-9', at(1));
    expect(await outbox.getLink('jira', 'k1')).toBe('OPS-2');
    await outbox.setLink('jira', 'k1', null, at(2));
    expect(await outbox.getLink('jira', 'k1')).toBeUndefined();
    expect(await outbox.getLink('other', 'k1')).toBe('X-9');
  });
});
