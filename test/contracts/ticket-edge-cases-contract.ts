import { describe, expect } from 'vitest';
import {
  at,
  CLAIM,
  ids,
  itDiverging,
  queued,
  rejection,
  type StoreContractHarness,
  T0,
} from './store-harness.js';

/**
 * TicketOutbox promises of the port that the delivery pipeline does not lean on in its usual path, and where the
 * stores have been found to differ (KNOWN_DIVERGENCES).
 */
export function describeTicketEdgeCasesContract(name: string, harness: StoreContractHarness): void {
  const open = async () => (await harness.open()).tickets;

  describe(`${name} ticket edge cases (contract)`, () => {
    itDiverging(
      harness,
      'probe-moves-retry-time',
      'keeps the retry time of an uncounted failure (a probe), whatever retryAt it is given',
      async (divergent) => {
        const outbox = await open();
        await outbox.enqueue([queued('t1')], T0);
        await outbox.claimDue('pd', T0, 10, CLAIM);
        await outbox.markFailed('t1', 'HTTP 503', { retryAt: at(60_000), countAttempt: true }, at(1));
        await outbox.claimDue('pd', at(2), 1, { ...CLAIM, ignoreBackoff: true });
        await outbox.markFailed('t1', 'HTTP 502', { retryAt: at(5_000), countAttempt: false }, at(3));
        // The port: "countAttempt false ... leaves the attempt count and the retry time as they were".
        const kept = divergent ? at(5_000) : at(60_000);
        expect(await outbox.list({})).toMatchObject([
          { attempts: 1, lastError: 'HTTP 502', nextAttemptAt: kept.toISOString() },
        ]);
        expect(ids(await outbox.claimDue('pd', at(5_000), 10, CLAIM))).toEqual(divergent ? ['t1'] : []);
      },
    );

    itDiverging(
      harness,
      'retry-dead-in-given-order',
      're-queues a dead trigger and its dead resolve named in either order, the trigger first',
      async (divergent) => {
        const outbox = await open();
        await outbox.enqueue([queued('t', 'trigger'), queued('r', 'resolve')], T0);
        await outbox.markFailed('t', 'down', { dead: true }, at(1));
        await outbox.markFailed('r', 'down', { dead: true }, at(2));
        if (divergent) {
          // The resolve goes back first, then counts as a later live action of the trigger, which stays dead: the
          // receiver would get a resolve for an incident it never heard of.
          expect(await outbox.retryDead(['r', 't'], at(3))).toBe(1);
          expect(ids(await outbox.list({ states: ['dead'] }))).toEqual(['t']);
          expect(ids(await outbox.claimDue('pd', at(3), 10, CLAIM))).toEqual(['r']);
          return;
        }
        expect(await outbox.retryDead(['r', 't'], at(3))).toBe(2);
        expect(ids(await outbox.list({ states: ['dead'] }))).toEqual([]);
        expect(ids(await outbox.claimDue('pd', at(3), 10, CLAIM))).toEqual(['t']);
      },
    );

    itDiverging(
      harness,
      'enqueue-in-chunks',
      'refuses a large batch with one delivery id already queued, and queues none of it',
      async (divergent) => {
        const outbox = await open();
        await outbox.enqueue([queued('dup')], T0);
        const batch = Array.from({ length: 60 }, (_, i) => queued(`n${i}`, 'trigger', `k${i}`));
        const error = await rejection(outbox.enqueue([...batch, queued('dup', 'resolve')], at(1)));
        expect(error).toBeInstanceOf(harness.storeError);
        const left = divergent ? ids(batch.slice(0, 40)) : [];
        expect(ids(await outbox.list({}))).toEqual(['dup', ...left]);
      },
    );
  });
}
