import { describe, expect, it } from 'vitest';
import { at, CLAIM, ids, justQueued, queued, type StoreContractHarness, T0 } from './store-harness.js';

/** TicketOutbox claims: what claimDue hands out, to whom, and when it comes back. */
export function describeTicketClaimsContract(name: string, harness: StoreContractHarness): void {
  const open = async () => (await harness.open()).tickets;

  describe(`${name} ticket claims (contract)`, () => {
    it('returns only the oldest pending action of each problem, so a resolve never overtakes its trigger', async () => {
      const outbox = await open();
      await outbox.enqueue(
        [queued('t1', 'trigger', 'k1'), queued('r1', 'resolve', 'k1'), queued('t2', 'trigger', 'k2')],
        T0,
      );
      expect(ids(await outbox.claimDue('pd', T0, 10, CLAIM))).toEqual(['t1', 't2']);
      await outbox.markDelivered('t1', at(1), 'k1');
      // t2 is still claimed; r1 is next for k1 once t1 is delivered.
      expect(ids(await outbox.claimDue('pd', at(2), 10, CLAIM))).toEqual(['r1']);
    });

    it('hands out the claimed records as they stand, with the queueing time', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      expect(await outbox.claimDue('pd', at(5), 10, CLAIM)).toEqual([justQueued(queued('t1'), T0)]);
    });

    it('does not hand out an action before the time it was queued at', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], at(10_000));
      expect(await outbox.claimDue('pd', at(9_999), 10, CLAIM)).toEqual([]);
      expect(ids(await outbox.claimDue('pd', at(10_000), 10, CLAIM))).toEqual(['t1']);
    });

    it('a dead action does not block the later actions of its problem', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1', 'trigger'), queued('r1', 'resolve')], T0);
      await outbox.claimDue('pd', T0, 10, CLAIM);
      await outbox.markFailed('t1', 'HTTP 400: invalid event', { dead: true }, at(1));
      expect(ids(await outbox.claimDue('pd', at(2), 10, CLAIM))).toEqual(['r1']);
      expect(await outbox.counts()).toEqual({ pending: 1, delivered: 0, dead: 1 });
    });

    it('keeps claimed actions from a second deliverer until released or expired', async () => {
      const first = await harness.open();
      const outbox = first.tickets;
      const other = (await harness.reopen(first)).tickets;
      await outbox.enqueue([queued('t1', 'trigger', 'k1'), queued('t2', 'trigger', 'k2')], T0);
      expect(await outbox.claimDue('pd', T0, 10, CLAIM)).toHaveLength(2);
      expect(await other.claimDue('pd', at(1), 10, CLAIM)).toEqual([]);
      expect(await other.claimDue('pd', at(1), 10, { ...CLAIM, ignoreBackoff: true })).toEqual([]);
      await outbox.release(['t2', 'missing']);
      expect(ids(await other.claimDue('pd', at(2), 10, CLAIM))).toEqual(['t2']);
      expect(ids(await other.claimDue('pd', at(60_001), 10, CLAIM))).toEqual(['t1']);
    });

    it('treats a claim further ahead than any real claim as expired (the clock went backwards)', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      await outbox.claimDue('pd', at(30 * 3_600_000), 10, CLAIM);
      expect(ids(await outbox.claimDue('pd', at(1), 10, CLAIM))).toEqual(['t1']);
    });

    it('passes over released ids that are not pending', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2')], T0);
      await outbox.claimDue('pd', T0, 10, CLAIM);
      await outbox.markDelivered('a', at(1), 'REF-1');
      await outbox.markFailed('b', 'refused', { dead: true }, at(1));
      await outbox.release(['a', 'b']);
      expect(await outbox.list({})).toMatchObject([
        { id: 'a', state: 'delivered', ref: 'REF-1' },
        { id: 'b', state: 'dead', lastError: 'refused' },
      ]);
    });

    it('never hands one action to two deliverers claiming at the same moment', async () => {
      const first = await harness.open();
      const second = await harness.reopen(first);
      const queuedIds = Array.from({ length: 12 }, (_, i) => `t${i}`);
      await first.tickets.enqueue(
        queuedIds.map((id) => queued(id, 'trigger', `k-${id}`)),
        T0,
      );
      const [a, b] = await Promise.all([
        first.tickets.claimDue('pd', T0, 100, CLAIM),
        second.tickets.claimDue('pd', T0, 100, CLAIM),
      ]);
      const claimed = [...ids(a), ...ids(b)].sort();
      expect(claimed).toEqual([...queuedIds].sort());
      expect(new Set(claimed).size).toBe(queuedIds.length);
    });

    it('claims at most `limit`, oldest first', async () => {
      const outbox = await open();
      await outbox.enqueue(
        [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
        T0,
      );
      expect(await outbox.claimDue('pd', T0, 0, CLAIM)).toEqual([]);
      expect(ids(await outbox.claimDue('pd', T0, 2, CLAIM))).toEqual(['a', 'b']);
      expect(ids(await outbox.claimDue('pd', T0, 2, CLAIM))).toEqual(['c']);
    });

    it('filters by route', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a', 'trigger', 'k', 'pd'), queued('b', 'trigger', 'k', 'jira')], T0);
      expect(ids(await outbox.claimDue('jira', T0, 10, CLAIM))).toEqual(['b']);
      expect(ids(await outbox.claimDue('pd', T0, 10, CLAIM))).toEqual(['a']);
      expect(await outbox.claimDue('nowhere', T0, 10, CLAIM)).toEqual([]);
    });
  });
}
