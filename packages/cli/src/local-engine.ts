import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  type CycleObserver,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_SINKS,
  type DeliverySummary,
  type EngineDeps,
  type RunSettings,
  type SinkConfig,
  type TicketRouteConfig,
  type TimestreamSinkConfig,
} from '@healops/core';
import { EnvSecretResolver, LocalExecutor, SystemClock } from '@healops/local';
import { createSinks } from '@healops/sinks';
import { openSqliteStore, type SqliteStore } from '@healops/sqlite';
import { scriptStateDir } from './home.js';
import { isLocalOwnerGone, localLeaseOwner } from './lease-owner.js';
import { localTickets } from './local-tickets.js';

/** This machine, as the engine sees it. */
export const LOCAL_TARGET = 'local';
export const HOST_PLATFORM = process.platform === 'win32' ? 'windows' : 'linux';
/** Where the CLI's EMF lines go when the sink names no path (stdout carries the CLI's own output). */
export const EMF_FILE = 'emf.log';

export interface LocalEngine {
  readonly deps: EngineDeps;
  readonly settings: RunSettings & { readonly runner: string };
  readonly store: SqliteStore;
  close(): void;
}

export interface LocalEngineOptions {
  readonly dryRun: boolean;
  readonly observer?: CycleObserver;
  /** The config's `metrics:` section (default: the embedded store only). */
  readonly metrics?: readonly SinkConfig[];
  /** Told about sink delivery problems (store down, points refused) and ticket delivery problems. */
  readonly onSinkProblem?: (message: string) => void;
  /** The config's `tickets:` routes (none: problems are recorded but not ticketed). */
  readonly tickets?: readonly TicketRouteConfig[];
  /** Told what each ticket delivery pass did. */
  readonly onTicketPass?: (summary: DeliverySummary) => void;
}

/** Loaded only when a config names a Timestream sink, so other runs never pay for the AWS SDK. */
async function timestreamTransport(config: TimestreamSinkConfig, timeoutMs: number) {
  const { TimestreamTransport } = await import('@healops/aws');
  return new TimestreamTransport({
    database: config.database,
    table: config.table,
    timeoutMs,
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.batchSize ? { batchSize: config.batchSize } : {}),
  });
}

/**
 * Wires the local adapters to the engine: process executor, SQLite store (state, audit, metrics, and the outbox
 * that keeps points for remote sinks), the configured metrics sinks, wall clock.
 */
export async function localEngine(home: string, options: LocalEngineOptions): Promise<LocalEngine> {
  const store = openSqliteStore(home);
  const clock = new SystemClock();
  try {
    const sinks = await createSinks(options.metrics ?? DEFAULT_SINKS, {
      local: store,
      outbox: store.outbox(),
      clock,
      secrets: new EnvSecretResolver(),
      emfDefaultPath: join(home, EMF_FILE),
      timestream: timestreamTransport,
      ...(options.onSinkProblem ? { onProblem: options.onSinkProblem } : {}),
    });
    const tickets = await localTickets(store, clock, options.tickets ?? [], {
      ...(options.onSinkProblem ? { onProblem: options.onSinkProblem } : {}),
      ...(options.onTicketPass ? { onPass: options.onTicketPass } : {}),
    });
    return {
      store,
      deps: {
        executor: new LocalExecutor(),
        state: store,
        audit: store,
        sinks,
        clock,
        ...(options.observer ? { observer: options.observer } : {}),
        ...(tickets ? { tickets: tickets.pipeline } : {}),
      },
      settings: {
        dryRun: options.dryRun,
        maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
        scriptEnv: (key) => ({ HEALOPS_STATE_DIR: scriptStateDir(home, key) }),
        leaseOwner: localLeaseOwner(),
        isLeaseOwnerGone: (owner) => isLocalOwnerGone(owner),
        runner: `local:${hostname()}`,
        ticketRoutes: tickets?.routes ?? [],
      },
      close: () => store.close(),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
