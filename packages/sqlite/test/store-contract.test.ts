import { afterEach, vi } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store-contract.js';
import type { StoreHandles } from '../../../test/contracts/store-harness.js';
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

describeStoreContract('SqliteStore', {
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
  // Where SqliteStore breaks the contract today (KNOWN_DIVERGENCES in test/contracts/store-harness.ts): the
  // #retry UPDATE writes next_attempt_at even for a probe; retryDead(ids) runs one UPDATE per id in the order given;
  // nothing refuses an empty name in a key.
  divergences: [],
});
