import { afterEach, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store-contract.js';
import {
  KNOWN_DIVERGENCES,
  type StoreContractHarness,
  type StoreHandles,
} from '../../../test/contracts/store-harness.js';
import type { DynamoStore } from '../src/dynamo/dynamo-store.js';
import { DynamoStoreError } from '../src/dynamo/dynamo-store-error.js';
import { useDynamoMoto } from './support/dynamo-moto.js';

// The store contracts on DynamoStore over moto (one moto_server for the file, a fresh table per test): a second
// connection is a second DynamoStore on the same table (another Lambda). Without moto every test fails with how
// to install it, never skips. The store clock is the `now` option, shared by both connections.

const dynamo = useDynamoMoto();
const stores = new WeakMap<StoreHandles, DynamoStore>();
let clock: Date | undefined;
const now = (): Date => clock ?? new Date();

function handles(store: DynamoStore): StoreHandles {
  const opened = { state: store, audit: store, tickets: store };
  stores.set(opened, store);
  return opened;
}

afterEach(() => {
  clock = undefined;
});

const harness: StoreContractHarness = {
  open: async () => handles(await dynamo.store({ now })),
  reopen: async (first) => {
    const store = stores.get(first);
    if (store === undefined) throw new Error('reopen: not a store of this harness');
    return handles(await dynamo.store({ tableName: store.tableName, now }));
  },
  setClock: (at) => {
    clock = at;
  },
  storeError: DynamoStoreError,
  // Where DynamoStore differs from the contract (KNOWN_DIVERGENCES in test/contracts/store-harness.ts): enqueue
  // writes one transaction per 40 actions (only tests and the bench enqueue without a state save); queryAudit reads
  // day partitions from the retention (or since) to the day after its clock, the window the audit TTL keeps.
  divergences: ['enqueue-in-chunks', 'audit-time-window'],
};

describe('DynamoStore contract harness', () => {
  it('declares exactly the two differences it keeps on purpose, each one the contract knows', () => {
    expect(harness.divergences).toEqual(['enqueue-in-chunks', 'audit-time-window']);
    for (const divergence of harness.divergences)
      expect(Object.keys(KNOWN_DIVERGENCES)).toContain(divergence);
  });
});

describeStoreContract('DynamoStore', harness);
