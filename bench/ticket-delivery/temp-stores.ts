import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '@healops/sqlite';

/** Temp homes under one directory, removed at the end. */
export class Homes {
  readonly root = mkdtempSync(join(tmpdir(), 'healops-bench-tickets-'));
  #next = 0;

  open(): SqliteStore {
    const home = join(this.root, `home-${this.#next++}`);
    mkdirSync(home);
    return openSqliteStore(home);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs `work` with a fresh store in a new temp home, and closes the store after. */
export async function withStore<T>(homes: Homes, work: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = homes.open();
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
