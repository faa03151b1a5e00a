import type { QueuedTicket, TicketAction } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { makeTicketEvent } from '../../core/test/support/tickets-fixtures.js';
import { SqliteStoreError } from '../src/index.js';
import { freshState, KEY, useTempHomes } from './temp-home.js';

// SQLite only: prune (the local retention of delivered actions) and how the ticket_outbox table refuses a delivery
// id twice. The TicketOutbox and TicketLinks ports are the contract in test/contracts/ticket-*-contract.ts, run by
// store-contract.test.ts.

const { home, open } = useTempHomes();

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function queued(id: string, action: TicketAction, dedupKey = 'healops/web/nginx-up/web-1'): QueuedTicket {
  return { id, route: 'pd', event: makeTicketEvent({ action, dedupKey }) };
}

describe('SqliteTicketOutbox.prune', () => {
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
});

describe('SqliteStore ticket_outbox constraints', () => {
  it('refuses a delivery id queued twice through the UNIQUE constraint, by save and by enqueue', async () => {
    const store = open(home());
    await store.save(freshState(), 0, [queued('a', 'trigger')]);
    const bySave = store.save({ ...freshState(), version: 1 }, 1, [queued('a', 'update')]);
    await expect(bySave).rejects.toThrow(SqliteStoreError);
    await expect(bySave).rejects.toThrow(/UNIQUE/);
    await expect(store.ticketOutbox().enqueue([queued('a', 'resolve')], T0)).rejects.toThrow(/UNIQUE/);
    expect((await store.load(KEY))?.version).toBe(1);
  });
});
