import {
  type CycleObserver,
  DEFAULT_MAX_OUTPUT_BYTES,
  type EngineDeps,
  type RunSettings,
} from '@healops/core';
import { LocalExecutor, SystemClock } from '@healops/local';
import { openSqliteStore, type SqliteStore } from '@healops/sqlite';
import { scriptStateDir } from './home.js';
import { isLocalOwnerGone, localLeaseOwner } from './lease-owner.js';

/** This machine, as the engine sees it. */
export const LOCAL_TARGET = 'local';
export const HOST_PLATFORM = process.platform === 'win32' ? 'windows' : 'linux';

export interface LocalEngine {
  readonly deps: EngineDeps;
  readonly settings: RunSettings;
  readonly store: SqliteStore;
  close(): void;
}

/** Wires the local adapters to the engine: process executor, SQLite store (state, audit, metrics), wall clock. */
export function localEngine(
  home: string,
  options: { dryRun: boolean; observer?: CycleObserver },
): LocalEngine {
  const store = openSqliteStore(home);
  return {
    store,
    deps: {
      executor: new LocalExecutor(),
      state: store,
      audit: store,
      sinks: [store],
      clock: new SystemClock(),
      ...(options.observer ? { observer: options.observer } : {}),
    },
    settings: {
      dryRun: options.dryRun,
      maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
      scriptEnv: (key) => ({ HEALOPS_STATE_DIR: scriptStateDir(home, key) }),
      leaseOwner: localLeaseOwner(),
      isLeaseOwnerGone: (owner) => isLocalOwnerGone(owner),
    },
    close: () => store.close(),
  };
}
