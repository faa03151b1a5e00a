import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/index.js';
import { auditEvent, useTempHomes } from './temp-home.js';

// SQLite only: the audit trail's database-level guard. The AuditLog port itself (order, filters, limit, atomic
// batches) is the contract in test/contracts/audit-log-contract.ts, run by store-contract.test.ts.

const { home, open } = useTempHomes();

describe('SqliteStore audit_event table', () => {
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
