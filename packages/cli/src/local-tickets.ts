import {
  type Clock,
  DEFAULT_TICKET_PASS_MS,
  type DeliverySummary,
  routeName,
  type TicketPipeline,
  type TicketRoute,
  type TicketRouteConfig,
  ticketPipeline,
} from '@healops/core';
import { EnvSecretResolver } from '@healops/local';
import { createTicketTransports } from '@healops/sinks';
import type { SqliteStore } from '@healops/sqlite';

/** Delivered actions older than this are pruned from the outbox (pending and dead ones are kept). */
export const DELIVERED_TICKET_RETENTION_MS = 30 * 24 * 3_600_000;

export interface LocalTicketHooks {
  readonly onProblem?: (message: string) => void;
  readonly onPass?: (summary: DeliverySummary) => void;
  /** How long one delivery pass may take (default DEFAULT_TICKET_PASS_MS). */
  readonly passMs?: number;
}

export interface LocalTickets {
  readonly routes: readonly TicketRoute[];
  readonly pipeline: TicketPipeline;
}

/**
 * The ticket routes of the config, wired to the SQLite outbox. A route whose secret cannot be resolved (env var
 * unset) still gets its tickets queued, but is not delivered until it can be: the problem is reported, never lost.
 */
export async function localTickets(
  store: SqliteStore,
  clock: Clock,
  configs: readonly TicketRouteConfig[],
  hooks: LocalTicketHooks = {},
): Promise<LocalTickets | undefined> {
  const { onProblem } = hooks;
  if (configs.length === 0) return undefined;
  const outbox = store.ticketOutbox();
  const secrets = new EnvSecretResolver();
  const deliveries = await createTicketTransports(configs, secrets, {
    onRouteError: (route, error) =>
      onProblem?.(
        `tickets route "${route}" cannot deliver (its tickets wait in the outbox): ${error.message}`,
      ),
  });
  await outbox.prune(new Date(clock.now().getTime() - DELIVERED_TICKET_RETENTION_MS));
  return {
    routes: configs.map((c) => ({
      name: routeName(c),
      ...(c.severities ? { severities: c.severities } : {}),
    })),
    pipeline: ticketPipeline({
      outbox,
      links: outbox,
      routes: deliveries,
      clock,
      audit: store,
      passMs: hooks.passMs ?? DEFAULT_TICKET_PASS_MS,
      ...(onProblem ? { onProblem } : {}),
      ...(hooks.onPass ? { onPass: hooks.onPass } : {}),
    }),
  };
}
