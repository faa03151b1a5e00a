import type { AuditQuery } from '@healops/core';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_NOW,
  auditEvent,
  itDiverging,
  KEY,
  minutes,
  rejection,
  type StoreContractHarness,
} from './store-harness.js';

const DAY_MS = 86_400_000;

/** The AuditLog port: append-only, oldest first, filters, and the most recent `limit`. */
export function describeAuditLogContract(name: string, harness: StoreContractHarness): void {
  const open = async () => {
    const { audit } = await harness.open();
    harness.setClock(AUDIT_NOW);
    const messages = async (query: AuditQuery) => (await audit.queryAudit(query)).map((e) => e.message);
    return { audit, messages };
  };

  describe(`${name} as an AuditLog (contract)`, () => {
    it('round-trips events with and without status and detail, oldest first', async () => {
      const { audit } = await open();
      const withDetail = auditEvent({
        time: minutes(2),
        type: 'repair-skipped',
        status: 'critical',
        message: 'repair skipped: budget',
        detail: { reason: 'budget', used: 3, window: { max: 3, perMs: 3_600_000 }, hosts: ['a', 'b'] },
      });
      const bare = { time: minutes(1), type: 'escalated', key: KEY, message: 'ticket opened' } as const;
      await audit.append([withDetail, bare]);
      expect(await audit.queryAudit({})).toEqual([bare, withDetail]);
    });

    it('returns times in the canonical ISO form, whatever form they were appended in', async () => {
      const { audit } = await open();
      await audit.append([auditEvent({ time: '2025-01-01T01:30:00+01:00' })]);
      expect((await audit.queryAudit({})).map((e) => e.time)).toEqual(['2025-01-01T00:30:00.000Z']);
    });

    it('keeps append order for events with the same time', async () => {
      const { audit, messages } = await open();
      await audit.append(['first', 'second', 'third'].map((message) => auditEvent({ message })));
      await audit.append([auditEvent({ message: 'fourth' })]);
      expect(await messages({})).toEqual(['first', 'second', 'third', 'fourth']);
    });

    it('reads events of several days in time order, with since and limit', async () => {
      const { audit, messages } = await open();
      await audit.append([
        auditEvent({ time: minutes(5, 3), message: 'day3' }),
        auditEvent({ time: minutes(5, 1), message: 'day1' }),
        auditEvent({ time: minutes(5, 2), message: 'day2' }),
      ]);
      expect(await messages({})).toEqual(['day1', 'day2', 'day3']);
      expect(await messages({ since: new Date(minutes(0, 2)) })).toEqual(['day2', 'day3']);
      expect(await messages({ limit: 2 })).toEqual(['day2', 'day3']);
    });

    it('filters by since (inclusive), package and check', async () => {
      const { audit, messages } = await open();
      await audit.append([
        auditEvent({ time: minutes(1), message: 'old' }),
        auditEvent({ time: minutes(5), message: 'match' }),
        auditEvent({ time: minutes(6), message: 'other check', key: { ...KEY, check: 'load' } }),
        auditEvent({ time: minutes(7), message: 'other package', key: { ...KEY, package: 'http' } }),
      ]);
      expect(await messages({ since: new Date(minutes(5)) })).toEqual([
        'match',
        'other check',
        'other package',
      ]);
      expect(await messages({ package: KEY.package })).toEqual(['old', 'match', 'other check']);
      expect(await messages({ check: KEY.check })).toEqual(['old', 'match', 'other package']);
      expect(await messages({ since: new Date(minutes(2)), package: KEY.package, check: KEY.check })).toEqual(
        ['match'],
      );
      expect(await messages({ package: 'no-such-package' })).toEqual([]);
    });

    it('returns the most recent `limit` matching events, still oldest first', async () => {
      const { audit, messages } = await open();
      await audit.append([5, 1, 4, 2, 3].map((n) => auditEvent({ time: minutes(n), message: `m${n}` })));
      await audit.append([
        auditEvent({ time: minutes(9), message: 'other', key: { ...KEY, package: 'http' } }),
      ]);
      expect(await messages({ limit: 2 })).toEqual(['m5', 'other']);
      expect(await messages({ limit: 2, package: KEY.package })).toEqual(['m4', 'm5']);
      expect(await messages({ limit: 10, package: KEY.package })).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(await audit.queryAudit({ limit: 0 })).toEqual([]);
    });

    it.each([-1, 1.5])('refuses limit %s with its store error', async (limit) => {
      const { audit } = await open();
      expect(await rejection(audit.queryAudit({ limit }))).toBeInstanceOf(harness.storeError);
    });

    it('checks a whole batch first: one bad event stores none of them', async () => {
      const { audit } = await open();
      const error = await rejection(
        audit.append([
          auditEvent({ message: 'good' }),
          auditEvent({ time: 'yesterday-ish', message: 'bad' }),
        ]),
      );
      expect(error).toBeInstanceOf(harness.storeError);
      expect(await audit.queryAudit({})).toEqual([]);
    });

    it('appends nothing for an empty batch', async () => {
      const { audit } = await open();
      await audit.append([]);
      expect(await audit.queryAudit({})).toEqual([]);
    });

    itDiverging(
      harness,
      'audit-time-window',
      'returns every appended event, however old or far ahead of the store clock',
      async (window) => {
        const { audit, messages } = await open();
        const day = (n: number) => new Date(AUDIT_NOW.getTime() + n * DAY_MS).toISOString();
        await audit.append([
          auditEvent({ time: day(-120), message: 'four months ago' }),
          auditEvent({ time: day(0), message: 'today' }),
          auditEvent({ time: day(3), message: 'three days ahead' }),
        ]);
        const all = ['four months ago', 'today', 'three days ahead'];
        // The window of a divergent store: its audit retention (90 days by default) back, one day ahead.
        expect(await messages({})).toEqual(window ? ['today'] : all);
        expect(await messages({ limit: 5 })).toEqual(window ? ['today'] : all);
        expect(await messages({ since: new Date(day(-121)) })).toEqual(window ? all.slice(0, 2) : all);
      },
    );

    it('lets a second connection read what the first appended', async () => {
      const first = await harness.open();
      harness.setClock(AUDIT_NOW);
      const second = await harness.reopen(first);
      await first.audit.append([auditEvent({ message: 'from first' })]);
      await second.audit.append([auditEvent({ time: minutes(1), message: 'from second' })]);
      expect((await first.audit.queryAudit({})).map((e) => e.message)).toEqual(['from first', 'from second']);
    });
  });
}
