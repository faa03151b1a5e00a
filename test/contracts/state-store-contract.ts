import { type CheckState, StateConflictError } from '@healops/core';
import { describe, expect, it } from 'vitest';
import {
  FULL_STATE,
  fresh,
  fullProblem,
  ids,
  justQueued,
  KEY,
  queued,
  rejection,
  type StoreContractHarness,
  T0,
} from './store-harness.js';

/** The StateStore port: versioned saves, tickets queued with the state, the state list and the open problems. */
export function describeStateStoreContract(name: string, harness: StoreContractHarness): void {
  describe(`${name} as a StateStore (contract)`, () => {
    it('round-trips a full check state, problem and history included', async () => {
      const { state } = await harness.open();
      expect(await state.save(FULL_STATE, 0)).toEqual({ ...FULL_STATE, version: 1 });
      expect(await state.load(KEY)).toEqual({ ...FULL_STATE, version: 1 });
    });

    it('round-trips an initial state: nulls and empty lists come back as they went in', async () => {
      const { state } = await harness.open();
      await state.save(fresh(), 0);
      expect(await state.load(KEY)).toEqual({ ...fresh(), version: 1 });
    });

    it('returns undefined for a key that was never saved', async () => {
      const { state } = await harness.open();
      await state.save(fresh(), 0);
      expect(await state.load({ ...KEY, target: 'i-other' })).toBeUndefined();
    });

    it('keeps keys apart whose names contain a separator character', async () => {
      const { state } = await harness.open();
      const a = { package: 'a#b', check: 'c', target: 't' };
      const b = { package: 'a', check: 'b#c', target: 't' };
      const c = { package: 'a%23b', check: 'c', target: 't' };
      await state.save({ ...fresh(a), consecutiveFailures: 1 }, 0);
      await state.save({ ...fresh(b), consecutiveFailures: 2 }, 0);
      await state.save({ ...fresh(c), consecutiveFailures: 3 }, 0);
      expect((await state.load(a))?.consecutiveFailures).toBe(1);
      expect((await state.load(b))?.consecutiveFailures).toBe(2);
      expect((await state.load(c))?.consecutiveFailures).toBe(3);
    });

    it('increments the version on every successful save and stores the new values', async () => {
      const { state } = await harness.open();
      const v1 = await state.save(fresh(), 0);
      const v2 = await state.save({ ...v1, consecutiveFailures: 1, lastStatus: 'warning' }, v1.version);
      const v3 = await state.save({ ...v2, consecutiveFailures: 2, problem: null }, v2.version);
      expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
      expect(await state.load(KEY)).toMatchObject({
        version: 3,
        consecutiveFailures: 2,
        lastStatus: 'warning',
      });
    });

    it('rejects a second insert (expectedVersion 0) of an existing key', async () => {
      const { state } = await harness.open();
      await state.save(fresh(), 0);
      await expect(state.save({ ...fresh(), consecutiveFailures: 9 }, 0)).rejects.toBeInstanceOf(
        StateConflictError,
      );
      expect(await state.load(KEY)).toMatchObject({ version: 1, consecutiveFailures: 0 });
    });

    it('rejects the second of two saves made with the same expected version', async () => {
      const { state } = await harness.open();
      const v1 = await state.save(fresh(), 0);
      await state.save({ ...v1, consecutiveFailures: 1 }, 1);
      await expect(state.save({ ...v1, consecutiveFailures: 7 }, 1)).rejects.toThrow(StateConflictError);
      expect(await state.load(KEY)).toMatchObject({ version: 2, consecutiveFailures: 1 });
    });

    it('rejects an update of a key that does not exist', async () => {
      const { state } = await harness.open();
      await expect(state.save(fresh(), 3)).rejects.toThrow(StateConflictError);
      expect(await state.load(KEY)).toBeUndefined();
    });

    it.each([-1, 1.5, Number.NaN])(
      'rejects expectedVersion %s as invalid, not as a conflict',
      async (expected) => {
        const { state } = await harness.open();
        const error = await rejection(state.save(fresh(), expected));
        expect(error).toBeInstanceOf(harness.storeError);
        expect(error).not.toBeInstanceOf(StateConflictError);
        expect(await state.load(KEY)).toBeUndefined();
      },
    );

    it('lets a second connection see the writes and conflicts of the first', async () => {
      const first = await harness.open();
      const second = await harness.reopen(first);
      const saved = await first.state.save(FULL_STATE, 0);
      expect(await second.state.load(KEY)).toEqual(saved);
      await second.state.save({ ...saved, consecutiveFailures: 5 }, saved.version);
      expect(await first.state.load(KEY)).toMatchObject({ version: 2, consecutiveFailures: 5 });
      await expect(first.state.save({ ...saved, consecutiveFailures: 6 }, saved.version)).rejects.toThrow(
        StateConflictError,
      );
    });

    it('lets exactly one of two concurrent repair-lease saves from one version win, across two connections', async () => {
      const first = await harness.open();
      const second = await harness.reopen(first);
      const v1 = await first.state.save(fresh(), 0);
      const lease = (owner: string, version: number): CheckState => ({
        ...v1,
        version,
        repairLeaseOwner: owner,
        repairLeaseUntil: '2026-03-01T10:05:00.000Z',
      });
      for (let round = 0; round < 5; round++) {
        const current = await first.state.load(KEY);
        if (current === undefined) throw new Error('state vanished');
        const results = await Promise.allSettled([
          first.state.save(lease(`runner:a:${round}`, current.version), current.version),
          second.state.save(lease(`runner:b:${round}`, current.version), current.version),
        ]);
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(StateConflictError);
        const stored = await second.state.load(KEY);
        expect(stored?.version).toBe(current.version + 1);
        expect(stored?.repairLeaseOwner).toBe(won[0]?.repairLeaseOwner);
      }
    });

    it('lists every state ordered by package, check and target', async () => {
      const { state } = await harness.open();
      const keys = [
        { package: 'b', check: 'x', target: 'h1' },
        { package: 'a', check: 'y', target: 'h2' },
        { package: 'a', check: 'y', target: 'h1' },
        { package: 'a', check: 'x', target: 'h9' },
      ];
      for (const key of keys) await state.save(fresh(key), 0);
      const listed = (await state.listStates()).map((s) => `${s.key.package}/${s.key.check}@${s.key.target}`);
      expect(listed).toEqual(['a/x@h9', 'a/y@h1', 'a/y@h2', 'b/x@h1']);
    });

    it('lists the states with their current version and values', async () => {
      const { state } = await harness.open();
      const v1 = await state.save(FULL_STATE, 0);
      await state.save({ ...v1, consecutiveFailures: 8 }, v1.version);
      expect(await state.listStates()).toEqual([{ ...FULL_STATE, consecutiveFailures: 8, version: 2 }]);
    });

    it('lists open problems only, ordered by the time they opened, and drops closed ones', async () => {
      const { state } = await harness.open();
      const problem = fullProblem();
      const later = { ...KEY, target: 'later' };
      const earlier = { ...KEY, target: 'earlier' };
      const healthy = { ...KEY, target: 'healthy' };
      const closed = { ...KEY, target: 'closed' };
      await state.save({ ...fresh(later), problem: { ...problem, openedAt: '2025-05-01T00:00:00.000Z' } }, 0);
      await state.save(fresh(healthy), 0);
      await state.save(
        { ...fresh(earlier), problem: { ...problem, openedAt: '2025-04-01T00:00:00.000Z' } },
        0,
      );
      const open = await state.save({ ...fresh(closed), problem }, 0);
      await state.save({ ...open, problem: null }, open.version);

      const problems = await state.openProblems();
      expect(problems.map((p) => p.key)).toEqual([earlier, later]);
      expect(problems[0]?.problem).toEqual({ ...problem, openedAt: '2025-04-01T00:00:00.000Z' });
    });

    it('orders problems opened at the same time by package, check and target', async () => {
      const { state } = await harness.open();
      const problem = fullProblem();
      const keys = [
        { package: 'b', check: 'x', target: 'h1' },
        { package: 'a', check: 'y', target: 'h1' },
        { package: 'a', check: 'x', target: 'h2' },
        { package: 'a', check: 'x', target: 'h1' },
      ];
      for (const key of keys) await state.save({ ...fresh(key), problem }, 0);
      const listed = (await state.openProblems()).map(
        (p) => `${p.key.package}/${p.key.check}@${p.key.target}`,
      );
      expect(listed).toEqual(['a/x@h1', 'a/x@h2', 'a/y@h1', 'b/x@h1']);
    });
  });

  describe(`${name}: save with tickets (contract)`, () => {
    it('queues the tickets in the same transaction as the state, at the store clock', async () => {
      const { state, tickets } = await harness.open();
      harness.setClock(T0);
      await state.save(fresh(), 0, [queued('a')]);
      expect(await tickets.list({})).toEqual([justQueued(queued('a'), T0)]);
      expect((await state.load(KEY))?.version).toBe(1);
      expect(ids(await tickets.claimDue('pd', T0, 10, { claimMs: 1000 }))).toEqual(['a']);
    });

    it('queues nothing when the state write loses a conflict', async () => {
      const { state, tickets } = await harness.open();
      await state.save(fresh(), 0);
      await expect(state.save(fresh(), 0, [queued('a')])).rejects.toThrow(StateConflictError);
      expect(await tickets.list({})).toEqual([]);
      expect(await tickets.counts()).toEqual({ pending: 0, delivered: 0, dead: 0 });
    });

    it('saves nothing when a ticket cannot be queued (duplicate delivery id)', async () => {
      const { state, tickets } = await harness.open();
      await state.save(fresh(), 0, [queued('a')]);
      const error = await rejection(state.save({ ...fresh(), version: 1 }, 1, [queued('a', 'update')]));
      expect(error).toBeInstanceOf(harness.storeError);
      expect(error).not.toBeInstanceOf(StateConflictError);
      expect((await state.load(KEY))?.version).toBe(1);
      expect((await tickets.list({})).map((r) => r.event.action)).toEqual(['trigger']);
    });

    it('lets exactly one of two concurrent saves with tickets win and queues only the winner’s', async () => {
      const first = await harness.open();
      const second = await harness.reopen(first);
      const v1 = await first.state.save(fresh(), 0);
      const results = await Promise.allSettled([
        first.state.save({ ...v1, consecutiveFailures: 1 }, 1, [queued('from-first')]),
        second.state.save({ ...v1, consecutiveFailures: 2 }, 1, [queued('from-second')]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(failures[0]).toBeInstanceOf(StateConflictError);
      const winner = (await first.state.load(KEY))?.consecutiveFailures === 1 ? 'from-first' : 'from-second';
      expect(ids(await first.tickets.list({}))).toEqual([winner]);
    });
  });
}
