import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store-contract.js';
import type { StoreContractHarness, StoreHandles } from '../../../test/contracts/store-harness.js';
import { type SqliteStore, SqliteStoreError } from '../src/index.js';
import { useTempHomes } from './temp-home.js';

// The store contracts on SqliteStore: a fresh HealOps home per test; a second connection is a second
// openSqliteStore on the same home (another healops process). The store clock is the system clock (save() queues
// tickets at Date.now()), so setClock fakes Date only.

const { home, open } = useTempHomes();
const homes = new WeakMap<StoreHandles, string>();

function handles(store: SqliteStore, dir: string): StoreHandles {
  const opened = { state: store, audit: store, tickets: store.ticketOutbox() };
  homes.set(opened, dir);
  return opened;
}

afterEach(() => {
  vi.useRealTimers();
});

const harness: StoreContractHarness = {
  open: async () => {
    const dir = home();
    return handles(open(dir), dir);
  },
  reopen: async (first) => {
    const dir = homes.get(first);
    if (dir === undefined) throw new Error('reopen: not a store of this harness');
    return handles(open(dir), dir);
  },
  setClock: (at) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at);
  },
  storeError: SqliteStoreError,
  // SqliteStore keeps the whole contract: the three differences the suite found (a probe moving the retry time,
  // retryDead taking ids in the order given, empty names accepted) are fixed.
  divergences: [],
};

describe('SqliteStore contract harness', () => {
  it('declares no difference from the contract', () => {
    expect(harness.divergences).toEqual([]);
  });
});

describeStoreContract('SqliteStore', harness);
