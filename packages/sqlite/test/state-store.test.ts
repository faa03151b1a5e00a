import { type CheckState, StateConflictError } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { SqliteStoreError } from '../src/index.js';
import { freshState, KEY, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

const FULL_STATE: CheckState = {
  key: KEY,
  version: 0,
  lastStatus: 'critical',
  lastRunAt: '2025-03-04T05:06:07.890Z',
  consecutiveFailures: 4,
  consecutiveUnknowns: 1,
  history: [0, 0, 2, 3, 2, 2],
  flapping: true,
  repairTimes: ['2025-03-04T05:00:00.000Z', '2025-03-04T05:05:00.000Z'],
  failedRepairStreak: 2,
  problem: {
    dedupKey: 'healops:linux-base/disk-root@local:1741064767890',
    openedAt: '2025-03-04T05:06:07.890Z',
    severity: 'critical',
    reason: 'repair-failed',
    lastStatus: 'critical',
    lastOutput: "DISK CRITICAL - free space: / 1% | '/'=99%;80;90;0;100\nline two ✓",
    updatedAt: '2025-03-04T05:06:07.890Z',
    occurrences: 3,
  },
  incidentRepairs: 2,
  repairLeaseOwner: 'local:host:123',
  repairLeaseUntil: '2025-03-04T05:10:00.000Z',
};

describe('SqliteStore as a StateStore', () => {
  it('round-trips a full check state, problem and history included', async () => {
    const store = open(home());
    const saved = await store.save(FULL_STATE, 0);
    expect(saved).toEqual({ ...FULL_STATE, version: 1 });
    expect(await store.load(KEY)).toEqual({ ...FULL_STATE, version: 1 });
  });

  it('returns undefined for a key that was never saved', async () => {
    const store = open(home());
    await store.save(freshState(), 0);
    expect(await store.load({ ...KEY, target: 'other-host' })).toBeUndefined();
  });

  it('increments the version on every successful save and stores the new values', async () => {
    const store = open(home());
    const v1 = await store.save(freshState(), 0);
    const v2 = await store.save({ ...v1, consecutiveFailures: 1, lastStatus: 'warning' }, v1.version);
    const v3 = await store.save({ ...v2, consecutiveFailures: 2, problem: null }, v2.version);
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    expect(await store.load(KEY)).toMatchObject({
      version: 3,
      consecutiveFailures: 2,
      lastStatus: 'warning',
    });
  });

  it('rejects a second insert (expectedVersion 0) of an existing key', async () => {
    const store = open(home());
    await store.save(freshState(), 0);
    await expect(store.save({ ...freshState(), consecutiveFailures: 9 }, 0)).rejects.toBeInstanceOf(
      StateConflictError,
    );
    expect(await store.load(KEY)).toMatchObject({ version: 1, consecutiveFailures: 0 });
  });

  it('rejects the second of two saves made with the same expected version', async () => {
    const store = open(home());
    const v1 = await store.save(freshState(), 0);
    await store.save({ ...v1, consecutiveFailures: 1 }, 1);
    await expect(store.save({ ...v1, consecutiveFailures: 7 }, 1)).rejects.toThrow(StateConflictError);
    expect(await store.load(KEY)).toMatchObject({ version: 2, consecutiveFailures: 1 });
  });

  it('rejects an update of a key that does not exist', async () => {
    const store = open(home());
    await expect(store.save(freshState(), 3)).rejects.toThrow(StateConflictError);
    expect(await store.load(KEY)).toBeUndefined();
  });

  it.each([-1, 1.5, Number.NaN])('rejects expectedVersion %s as invalid', async (expected) => {
    const store = open(home());
    await expect(store.save(freshState(), expected)).rejects.toThrow(SqliteStoreError);
  });

  it('lets two stores on the same file see each other’s writes and conflicts', async () => {
    const dir = home();
    const first = open(dir);
    const second = open(dir);
    const saved = await first.save(FULL_STATE, 0);
    expect(await second.load(KEY)).toEqual(saved);
    await second.save({ ...saved, consecutiveFailures: 5 }, saved.version);
    expect(await first.load(KEY)).toMatchObject({ version: 2, consecutiveFailures: 5 });
    await expect(first.save({ ...saved, consecutiveFailures: 6 }, saved.version)).rejects.toThrow(
      StateConflictError,
    );
  });

  it('lists every state ordered by package, check and target', async () => {
    const store = open(home());
    const keys = [
      { package: 'b', check: 'x', target: 'h1' },
      { package: 'a', check: 'y', target: 'h2' },
      { package: 'a', check: 'y', target: 'h1' },
      { package: 'a', check: 'x', target: 'h9' },
    ];
    for (const key of keys) {
      await store.save(freshState(key), 0);
    }
    const listed = (await store.listStates()).map((s) => `${s.key.package}/${s.key.check}@${s.key.target}`);
    expect(listed).toEqual(['a/x@h9', 'a/y@h1', 'a/y@h2', 'b/x@h1']);
  });

  it('lists open problems only, ordered by the time they opened', async () => {
    const store = open(home());
    const problem = FULL_STATE.problem;
    if (problem === null) throw new Error('fixture needs a problem');
    const later = { ...KEY, target: 'later' };
    const earlier = { ...KEY, target: 'earlier' };
    const healthy = { ...KEY, target: 'healthy' };
    await store.save(
      { ...freshState(later), problem: { ...problem, openedAt: '2025-05-01T00:00:00.000Z' } },
      0,
    );
    await store.save(freshState(healthy), 0);
    await store.save(
      { ...freshState(earlier), problem: { ...problem, openedAt: '2025-04-01T00:00:00.000Z' } },
      0,
    );

    const problems = await store.openProblems();
    expect(problems.map((p) => p.key)).toEqual([earlier, later]);
    expect(problems[0]?.problem).toEqual({ ...problem, openedAt: '2025-04-01T00:00:00.000Z' });
  });
});
