import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, SqliteStoreError } from '../src/index.js';
import { auditEvent, KEY, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

function minutes(n: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString();
}

describe('SqliteStore as an AuditLog', () => {
  it('round-trips events with and without status and detail, oldest first', async () => {
    const store = open(home());
    const withDetail = auditEvent({
      time: minutes(2),
      type: 'repair-skipped',
      status: 'critical',
      message: 'repair skipped: budget',
      detail: { reason: 'budget', used: 3, window: { max: 3, perMs: 3_600_000 }, hosts: ['a', 'b'] },
    });
    const bare = { time: minutes(1), type: 'escalated', key: KEY, message: 'ticket opened' } as const;
    await store.append([withDetail, bare]);
    expect(await store.queryAudit({})).toEqual([bare, withDetail]);
  });

  it('keeps insertion order for events with the same time', async () => {
    const store = open(home());
    const events = ['first', 'second', 'third'].map((message) => auditEvent({ message }));
    await store.append(events);
    await store.append([auditEvent({ message: 'fourth' })]);
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual([
      'first',
      'second',
      'third',
      'fourth',
    ]);
  });

  it('filters by since, package and check', async () => {
    const store = open(home());
    await store.append([
      auditEvent({ time: minutes(1), message: 'old' }),
      auditEvent({ time: minutes(5), message: 'match' }),
      auditEvent({ time: minutes(6), message: 'other check', key: { ...KEY, check: 'load' } }),
      auditEvent({ time: minutes(7), message: 'other package', key: { ...KEY, package: 'http' } }),
    ]);
    const messages = async (query: Parameters<typeof store.queryAudit>[0]) =>
      (await store.queryAudit(query)).map((e) => e.message);
    expect(await messages({ since: new Date(minutes(5)) })).toEqual([
      'match',
      'other check',
      'other package',
    ]);
    expect(await messages({ package: KEY.package })).toEqual(['old', 'match', 'other check']);
    expect(await messages({ check: KEY.check })).toEqual(['old', 'match', 'other package']);
    expect(await messages({ since: new Date(minutes(2)), package: KEY.package, check: KEY.check })).toEqual([
      'match',
    ]);
  });

  it('returns the most recent `limit` events, still oldest first', async () => {
    const store = open(home());
    await store.append([5, 1, 4, 2, 3].map((n) => auditEvent({ time: minutes(n), message: `m${n}` })));
    expect((await store.queryAudit({ limit: 2 })).map((e) => e.message)).toEqual(['m4', 'm5']);
    expect(await store.queryAudit({ limit: 0 })).toEqual([]);
    await expect(store.queryAudit({ limit: -1 })).rejects.toThrow(SqliteStoreError);
  });

  it('appends a batch in one transaction: one bad event stores none of them', async () => {
    const store = open(home());
    await expect(
      store.append([auditEvent({ message: 'good' }), auditEvent({ time: 'yesterday-ish', message: 'bad' })]),
    ).rejects.toThrow(SqliteStoreError);
    expect(await store.queryAudit({})).toEqual([]);
  });

  it('refuses UPDATE and DELETE of audit rows at the database level', async () => {
    const dir = home();
    const store = open(dir);
    await store.append([auditEvent({ message: 'original' })]);
    const raw = new Database(join(dir, DATABASE_FILE));
    try {
      expect(() => raw.prepare("UPDATE audit_event SET message = 'forged'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit_event').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect((await store.queryAudit({})).map((e) => e.message)).toEqual(['original']);
  });
});
