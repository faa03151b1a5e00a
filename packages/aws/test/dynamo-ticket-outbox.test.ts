import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { QueuedTicket, TicketAction } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { makeTicketEvent } from '../../core/test/support/tickets-fixtures.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

const dynamo = useDynamoMoto();

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const CLAIM = { claimMs: 60_000 };
const DAY_S = 86_400;

function queued(
  id: string,
  action: TicketAction,
  dedupKey = 'healops/web/nginx-up/web-1',
  route = 'pd',
): QueuedTicket {
  return { id, route, event: makeTicketEvent({ action, dedupKey }) };
}

describe('DynamoStore ticket claims', () => {
  it('returns only the oldest pending action of each problem, so a resolve never overtakes its trigger', async () => {
    const outbox = await dynamo.store();
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
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('t1', 'trigger'), queued('r1', 'resolve')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'HTTP 400: invalid event', { dead: true }, at(1));
    expect((await outbox.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['r1']);
    expect(await outbox.counts()).toEqual({ pending: 1, delivered: 0, dead: 1 });
  });

  it('keeps claimed actions from a second deliverer (another store) until released or expired', async () => {
    const outbox = await dynamo.store();
    const other = await dynamo.store({ tableName: outbox.tableName });
    await outbox.enqueue([queued('t1', 'trigger', 'k1'), queued('t2', 'trigger', 'k2')], T0);
    expect(await outbox.claimDue('pd', T0, 10, CLAIM)).toHaveLength(2);
    expect(await other.claimDue('pd', at(1), 10, CLAIM)).toEqual([]);
    await outbox.release(['t2', 'missing']);
    expect((await other.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['t2']);
    expect((await other.claimDue('pd', at(60_001), 10, CLAIM)).map((r) => r.id)).toEqual(['t1']);
  });

  it('never hands one action to two deliverers claiming at the same moment', async () => {
    const first = await dynamo.store();
    const second = await dynamo.store({ tableName: first.tableName });
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    await first.enqueue(
      ids.map((id) => queued(id, 'trigger', `k-${id}`)),
      T0,
    );
    const [a, b] = await Promise.all([
      first.claimDue('pd', T0, 100, CLAIM),
      second.claimDue('pd', T0, 100, CLAIM),
    ]);
    const claimed = [...a, ...b].map((r) => r.id).sort();
    expect(claimed).toEqual([...ids].sort());
    expect(new Set(claimed).size).toBe(ids.length);
  });

  it('claims at most `limit`, oldest first', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue(
      [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
      T0,
    );
    expect((await outbox.claimDue('pd', T0, 2, CLAIM)).map((r) => r.id)).toEqual(['a', 'b']);
    expect(await outbox.claimDue('pd', T0, 0, CLAIM)).toEqual([]);
  });

  it('filters by route', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('a', 'trigger', 'k', 'pd'), queued('b', 'trigger', 'k', 'jira')], T0);
    expect((await outbox.claimDue('jira', T0, 10, CLAIM)).map((r) => r.id)).toEqual(['b']);
  });
});

describe('DynamoStore ticket retries', () => {
  it('waits for the retry time unless told to ignore it, and counts attempts', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('t1', 'trigger')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'HTTP 503', { retryAt: at(60_000), countAttempt: true }, at(1));
    expect(await outbox.claimDue('pd', at(2), 10, CLAIM)).toEqual([]);
    const [probe] = await outbox.claimDue('pd', at(3), 1, { ...CLAIM, ignoreBackoff: true });
    expect(probe).toMatchObject({ id: 't1', attempts: 1, lastError: 'HTTP 503' });
    // A failed probe ahead of the retry time keeps the count and the schedule it was given.
    await outbox.markFailed('t1', 'HTTP 502', { retryAt: at(60_000), countAttempt: false }, at(4));
    expect(await outbox.claimDue('pd', at(5), 10, CLAIM)).toEqual([]);
    const [again] = await outbox.claimDue('pd', at(60_000), 10, CLAIM);
    expect(again).toMatchObject({
      attempts: 1,
      lastError: 'HTTP 502',
      lastAttemptAt: at(4).toISOString(),
      nextAttemptAt: at(60_000).toISOString(),
    });
  });

  it('treats a retry time further than any real wait as due (the clock went backwards)', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('t1', 'trigger')], T0);
    await outbox.claimDue('pd', T0, 10, CLAIM);
    await outbox.markFailed('t1', 'down', { retryAt: at(30 * 3_600_000), countAttempt: true }, at(1));
    expect((await outbox.claimDue('pd', at(2), 10, CLAIM)).map((r) => r.id)).toEqual(['t1']);
  });

  it('re-queues dead actions by id or all of them, with a fresh attempt count', async () => {
    const outbox = await dynamo.store();
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
    expect((await outbox.claimDue('pd', at(3), 10, CLAIM)).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('leaves a dead action superseded by a later live one of its problem dead', async () => {
    const outbox = await dynamo.store();
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

  it('will not record a failure for an action that is not pending, nor for an unknown one', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('a', 'trigger')], T0);
    await outbox.markDelivered('a', at(1), null);
    await expect(
      outbox.markFailed('a', 'late', { retryAt: at(2), countAttempt: true }, at(2)),
    ).rejects.toThrow(/not in the outbox \(or not pending\)/);
    await expect(outbox.markDelivered('nope', at(2), null)).rejects.toThrow(
      /ticket action nope is not in the outbox/,
    );
  });

  it('refuses a second enqueue of a delivery id', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('a', 'trigger')], T0);
    await expect(outbox.enqueue([queued('a', 'resolve')], at(1))).rejects.toThrow(
      /ticket action a is already queued/,
    );
    expect((await outbox.list({})).map((r) => r.event.action)).toEqual(['trigger']);
  });
});

describe('DynamoStore ticket records', () => {
  it('lists the most recent records oldest first, filtered by state, route and problem', async () => {
    const outbox = await dynamo.store();
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
    expect((await outbox.list({ states: ['pending', 'dead'] })).map((r) => r.id)).toEqual(['a', 'c', 'd']);
  });

  it('counts sends per route since a time (the rate limit seed)', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue([queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2')], T0);
    await outbox.markDelivered('a', at(1_000), null);
    await outbox.markFailed('b', 'down', { retryAt: at(90_000), countAttempt: true }, at(30_000));
    expect(await outbox.attemptsSince('pd', at(0))).toEqual([at(1_000), at(30_000)]);
    expect(await outbox.attemptsSince('pd', at(10_000))).toEqual([at(30_000)]);
    expect(await outbox.attemptsSince('jira', at(0))).toEqual([]);
  });

  it('prunes by TTL: delivered actions (and their id pointers) expire 30 days after delivery, others never', async () => {
    const outbox = await dynamo.store();
    await outbox.enqueue(
      [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
      T0,
    );
    await outbox.markDelivered('a', at(10_000), null);
    await outbox.markFailed('b', 'refused', { dead: true }, at(1));
    const doc = DynamoDBDocumentClient.from(dynamo.client());
    const item = async (pk: string, sk: string) =>
      (await doc.send(new GetCommand({ TableName: outbox.tableName, Key: { pk, sk } }))).Item;
    const expected = Math.floor(at(10_000).getTime() / 1000) + 30 * DAY_S;
    expect((await item('TICKET#pd', '0000000000000001'))?.expiresAt).toBe(expected);
    expect((await item('TICKETID#a', 'TICKETID'))?.expiresAt).toBe(expected);
    expect((await item('TICKET#pd', '0000000000000002'))?.expiresAt).toBeUndefined();
    expect((await item('TICKET#pd', '0000000000000003'))?.expiresAt).toBeUndefined();
  });

  it('keeps one link per route and problem, and forgets it on null', async () => {
    const outbox = await dynamo.store();
    await outbox.setLink('jira', 'k1', 'OPS-1', T0);
    await outbox.setLink('jira', 'k1', 'OPS-2', at(1));
    await outbox.setLink('other', 'k1', 'X-9', at(1));
    expect(await outbox.getLink('jira', 'k1')).toBe('OPS-2');
    await outbox.setLink('jira', 'k1', null, at(2));
    expect(await outbox.getLink('jira', 'k1')).toBeUndefined();
    expect(await outbox.getLink('other', 'k1')).toBe('X-9');
  });
});
