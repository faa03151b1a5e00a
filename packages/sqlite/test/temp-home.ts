import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditEvent,
  type CheckKey,
  type CheckState,
  initialState,
  type MetricPoint,
} from '@healops/core';
import { afterEach } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/index.js';

/** A fresh temp directory per call, removed (with every store opened through `open`) after each test. */
export function useTempHomes(): { home: () => string; open: (home: string) => SqliteStore } {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) {
      store.close();
    }
    for (const dir of dirs.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    home: () => {
      const dir = mkdtempSync(join(tmpdir(), 'healops-sqlite-'));
      dirs.push(dir);
      return join(dir, 'home');
    },
    open: (home) => {
      const store = openSqliteStore(home);
      stores.push(store);
      return store;
    },
  };
}

export const KEY: CheckKey = { package: 'linux-base', check: 'disk-root', target: 'local' };

export function freshState(key: CheckKey = KEY): CheckState {
  return initialState(key);
}

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: '2025-01-01T00:00:00.000Z',
    type: 'check-result',
    key: KEY,
    status: 'ok',
    message: 'DISK OK',
    ...overrides,
  };
}

export function point(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    time: '2025-01-01T00:00:00.000Z',
    name: 'healops.check.status',
    value: 0,
    unit: '',
    dimensions: { package: KEY.package, check: KEY.check, target: KEY.target, environment: 'dev' },
    ...overrides,
  };
}
