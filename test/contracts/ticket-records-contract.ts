import type { TicketState } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { at, CLAIM, ids, justQueued, queued, type StoreContractHarness, T0 } from './store-harness.js';

/** TicketOutbox listing and counting (as `healops tickets` uses them), the rate-limit seed, and TicketLinks. */
export function describeTicketRecordsContract(name: string, harness: StoreContractHarness): void {
  const open = async () => (await harness.open()).tickets;

  describe(`${name} ticket records (contract)`, () => {
    it('lists the most recent records oldest first, filtered by state, route and problem', async () => {
      const outbox = await open();
      await outbox.enqueue(
        ['a', 'b', 'c', 'd'].map((id, i) => queued(id, 'trigger', `k${i % 2}`, i === 3 ? 'jira' : 'pd')),
        T0,
      );
      expect(ids(await outbox.list({ limit: 2 }))).toEqual(['c', 'd']);
      expect(ids(await outbox.list({ route: 'pd', dedupKey: 'k0' }))).toEqual(['a', 'c']);
      await outbox.markDelivered('b', at(1), 'OPS-1');
      expect(await outbox.list({ states: ['delivered'] })).toMatchObject([
        { id: 'b', ref: 'OPS-1', deliveredAt: at(1).toISOString(), attempts: 1 },
      ]);
      expect(ids(await outbox.list({ states: ['pending', 'dead'] }))).toEqual(['a', 'c', 'd']);
    });

    it('lists as `healops tickets` asks: states, route and a limit together, empty states meaning all', async () => {
      const outbox = await open();
      await outbox.enqueue(
        ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) =>
          queued(id, 'trigger', `k-${id}`, i % 3 === 2 ? 'jira' : 'pd'),
        ),
        T0,
      );
      await outbox.markFailed('a', 'refused', { dead: true }, at(1));
      await outbox.markFailed('d', 'refused', { dead: true }, at(1));
      await outbox.markFailed('e', 'refused', { dead: true }, at(1));
      await outbox.markDelivered('b', at(2), null);
      const dead: TicketState[] = ['dead'];
      expect(ids(await outbox.list({ states: dead, route: 'pd', limit: 2 }))).toEqual(['d', 'e']);
      expect(ids(await outbox.list({ states: dead, route: 'pd', limit: 50 }))).toEqual(['a', 'd', 'e']);
      expect(ids(await outbox.list({ states: ['pending'], limit: 50 }))).toEqual(['c', 'f']);
      expect(ids(await outbox.list({ states: [], limit: 3 }))).toEqual(['d', 'e', 'f']);
      expect(ids(await outbox.list({ route: 'jira' }))).toEqual(['c', 'f']);
      expect(await outbox.list({ route: 'nowhere', limit: 50 })).toEqual([]);
      expect(await outbox.list({ limit: 0 })).toEqual([]);
    });

    it('returns listed records whole, the event as it was queued', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a', 'resolve', 'k1', 'jira')], T0);
      const [record] = await outbox.list({});
      expect(record).toEqual(justQueued(queued('a', 'resolve', 'k1', 'jira'), T0));
    });

    it('numbers records in queueing order, across routes and batches', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a', 'trigger', 'k1', 'pd'), queued('b', 'trigger', 'k2', 'jira')], T0);
      await outbox.enqueue([queued('c', 'trigger', 'k3', 'pd')], T0);
      const records = await outbox.list({});
      expect(ids(records)).toEqual(['a', 'b', 'c']);
      const seqs = records.map((r) => r.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(3);
    });

    it('counts every state across routes, zero when empty', async () => {
      const outbox = await open();
      expect(await outbox.counts()).toEqual({ pending: 0, delivered: 0, dead: 0 });
      await outbox.enqueue(
        [
          queued('a', 'trigger', 'k1', 'pd'),
          queued('b', 'trigger', 'k2', 'jira'),
          queued('c', 'trigger', 'k3', 'jira'),
        ],
        T0,
      );
      await outbox.claimDue('jira', T0, 10, CLAIM);
      await outbox.markDelivered('b', at(1), null);
      await outbox.markFailed('c', 'refused', { dead: true }, at(1));
      expect(await outbox.counts()).toEqual({ pending: 1, delivered: 1, dead: 1 });
    });

    it('counts sends per route since a time (the rate limit seed)', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2')], T0);
      await outbox.markDelivered('a', at(1_000), null);
      await outbox.markFailed('b', 'down', { retryAt: at(90_000), countAttempt: true }, at(30_000));
      expect(await outbox.attemptsSince('pd', at(0))).toEqual([at(1_000), at(30_000)]);
      expect(await outbox.attemptsSince('pd', at(10_000))).toEqual([at(30_000)]);
      expect(await outbox.attemptsSince('pd', at(30_000))).toEqual([at(30_000)]);
      expect(await outbox.attemptsSince('jira', at(0))).toEqual([]);
    });

    it('keeps one link per route and problem, and forgets it on null', async () => {
      const outbox = await open();
      expect(await outbox.getLink('jira', 'k1')).toBeUndefined();
      await outbox.setLink('jira', 'k1', 'OPS-1', T0);
      await outbox.setLink('jira', 'k1', 'OPS-2', at(1));
      await outbox.setLink('other', 'k1', 'X-9', at(1));
      expect(await outbox.getLink('jira', 'k1')).toBe('OPS-2');
      await outbox.setLink('jira', 'k1', null, at(2));
      expect(await outbox.getLink('jira', 'k1')).toBeUndefined();
      expect(await outbox.getLink('other', 'k1')).toBe('X-9');
      await outbox.setLink('jira', 'never-linked', null, at(3));
      expect(await outbox.getLink('jira', 'never-linked')).toBeUndefined();
    });

    it('shares links and records with a second connection', async () => {
      const first = await harness.open();
      const second = (await harness.reopen(first)).tickets;
      await first.tickets.setLink('jira', 'k1', 'OPS-3', T0);
      await first.tickets.enqueue([queued('a')], T0);
      expect(await second.getLink('jira', 'k1')).toBe('OPS-3');
      expect(ids(await second.list({}))).toEqual(['a']);
      expect(await second.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
    });
  });
}
