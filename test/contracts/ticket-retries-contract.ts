import { describe, expect, it } from 'vitest';
import { at, CLAIM, ids, queued, rejection, type StoreContractHarness, T0 } from './store-harness.js';

/** TicketOutbox outcomes: delivered, retried with backoff, dead-lettered, and dead ones re-queued. */
export function describeTicketRetriesContract(name: string, harness: StoreContractHarness): void {
  const open = async () => (await harness.open()).tickets;

  describe(`${name} ticket retries (contract)`, () => {
    it('waits for the retry time unless told to ignore it, and counts attempts', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
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
        state: 'pending',
        attempts: 1,
        lastError: 'HTTP 502',
        lastAttemptAt: at(4).toISOString(),
        nextAttemptAt: at(60_000).toISOString(),
      });
    });

    it('sets the backoff time of a counted failure and keeps the record pending until then', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      for (const [pass, wait] of [
        [1, 30_000],
        [2, 120_000],
      ] as const) {
        const now = at(pass * 1_000_000);
        const [record] = await outbox.claimDue('pd', now, 10, CLAIM);
        expect(record).toMatchObject({ id: 't1', attempts: pass - 1 });
        await outbox.markFailed(
          't1',
          `down ${pass}`,
          { retryAt: new Date(now.getTime() + wait), countAttempt: true },
          now,
        );
        expect(await outbox.list({})).toMatchObject([
          {
            state: 'pending',
            attempts: pass,
            lastError: `down ${pass}`,
            lastAttemptAt: now.toISOString(),
            nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
            deliveredAt: null,
          },
        ]);
        expect(await outbox.claimDue('pd', new Date(now.getTime() + wait - 1), 10, CLAIM)).toEqual([]);
      }
    });

    it('treats a retry time further than any real wait as due (the clock went backwards)', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      await outbox.claimDue('pd', T0, 10, CLAIM);
      await outbox.markFailed('t1', 'down', { retryAt: at(30 * 3_600_000), countAttempt: true }, at(1));
      expect(ids(await outbox.claimDue('pd', at(2), 10, CLAIM))).toEqual(['t1']);
    });

    it('marks an action delivered with its ref and keeps its last error for the record', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      await outbox.claimDue('pd', T0, 10, CLAIM);
      await outbox.markFailed('t1', 'HTTP 503', { retryAt: at(1_000), countAttempt: true }, at(1));
      await outbox.claimDue('pd', at(1_000), 10, CLAIM);
      await outbox.markDelivered('t1', at(2_000), 'OPS-7');
      expect(await outbox.list({})).toMatchObject([
        {
          id: 't1',
          state: 'delivered',
          attempts: 2,
          ref: 'OPS-7',
          deliveredAt: at(2_000).toISOString(),
          lastAttemptAt: at(2_000).toISOString(),
          lastError: 'HTTP 503',
        },
      ]);
      expect(await outbox.claimDue('pd', at(3_000), 10, { ...CLAIM, ignoreBackoff: true })).toEqual([]);
      expect(await outbox.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
    });

    it('dead-letters an action with its reason, and counts the pass', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      await outbox.claimDue('pd', T0, 10, CLAIM);
      await outbox.markFailed('t1', 'HTTP 400: invalid routing key', { dead: true }, at(7));
      expect(await outbox.list({ states: ['dead'] })).toMatchObject([
        {
          id: 't1',
          attempts: 1,
          lastError: 'HTTP 400: invalid routing key',
          lastAttemptAt: at(7).toISOString(),
        },
      ]);
      expect(await outbox.claimDue('pd', at(8), 10, { ...CLAIM, ignoreBackoff: true })).toEqual([]);
    });

    it('cuts a long error to 2,000 characters', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t1')], T0);
      await outbox.markFailed('t1', 'x'.repeat(5_000), { dead: true }, at(1));
      expect((await outbox.list({}))[0]?.lastError).toBe('x'.repeat(2_000));
    });

    it('re-queues dead actions by id or all of them, with a fresh attempt count', async () => {
      const outbox = await open();
      await outbox.enqueue(
        [queued('a', 'trigger', 'k1'), queued('b', 'trigger', 'k2'), queued('c', 'trigger', 'k3')],
        T0,
      );
      await outbox.claimDue('pd', T0, 10, CLAIM);
      for (const id of ['a', 'b']) await outbox.markFailed(id, 'refused', { dead: true }, at(1));
      await outbox.markDelivered('c', at(1), null);
      expect(await outbox.retryDead(['a', 'c', 'missing'], at(2))).toBe(1);
      expect(await outbox.list({ states: ['pending'] })).toMatchObject([
        { id: 'a', attempts: 0, nextAttemptAt: at(2).toISOString(), lastError: 'refused' },
      ]);
      expect(await outbox.retryDead(undefined, at(3))).toBe(1);
      expect(await outbox.counts()).toEqual({ pending: 2, delivered: 1, dead: 0 });
      expect(ids(await outbox.claimDue('pd', at(3), 10, CLAIM))).toEqual(['a', 'b']);
      expect(await outbox.retryDead(undefined, at(4))).toBe(0);
    });

    it('leaves a dead action superseded by a later live one of its problem dead', async () => {
      const outbox = await open();
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
      expect(ids(await outbox.list({ states: ['dead'] }))).toEqual(['t']);
      expect(ids(await outbox.list({ states: ['pending'] }))).toEqual(['x']);
      expect(await outbox.retryDead(['t'], at(5))).toBe(0);
    });

    it('re-queues a dead trigger and its dead resolve together, the trigger first', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('t', 'trigger'), queued('r', 'resolve')], T0);
      await outbox.markFailed('t', 'down', { dead: true }, at(1));
      await outbox.markFailed('r', 'down', { dead: true }, at(2));
      expect(await outbox.retryDead(undefined, at(3))).toBe(2);
      expect(ids(await outbox.claimDue('pd', at(3), 10, CLAIM))).toEqual(['t']);
    });

    it('will not record a failure for an action that is not pending, nor for an unknown one', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a')], T0);
      await outbox.markDelivered('a', at(1), null);
      const late = await rejection(
        outbox.markFailed('a', 'late', { retryAt: at(2), countAttempt: true }, at(2)),
      );
      expect(late).toBeInstanceOf(harness.storeError);
      expect((late as Error).message).toMatch(/ticket action a is not in the outbox \(or not pending\)/);
      for (const unknown of [
        outbox.markDelivered('nope', at(2), null),
        outbox.markFailed('nope', 'x', { dead: true }, at(2)),
        outbox.markFailed('nope', 'x', { retryAt: at(3), countAttempt: true }, at(2)),
      ]) {
        expect(await rejection(unknown)).toBeInstanceOf(harness.storeError);
      }
      await expect(outbox.markDelivered('nope', at(2), null)).rejects.toThrow(
        /ticket action nope is not in the outbox/,
      );
      expect(await outbox.list({})).toMatchObject([{ id: 'a', state: 'delivered', lastError: null }]);
    });

    it('refuses a second enqueue of a delivery id, and queues none of that batch', async () => {
      const outbox = await open();
      await outbox.enqueue([queued('a')], T0);
      const error = await rejection(
        outbox.enqueue([queued('b', 'trigger', 'k2'), queued('a', 'resolve')], at(1)),
      );
      expect(error).toBeInstanceOf(harness.storeError);
      expect((await outbox.list({})).map((r) => `${r.id}:${r.event.action}`)).toEqual(['a:trigger']);
    });
  });
}
