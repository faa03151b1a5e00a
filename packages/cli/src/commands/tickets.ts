import { TICKET_STATES, type TicketRecord, type TicketState } from '@healops/core';
import { SystemClock } from '@healops/local';
import { openSqliteStore } from '@healops/sqlite';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { localTickets } from '../local-tickets.js';
import { openExistingStore } from '../open-store.js';
import { out } from '../output.js';
import { sanitize } from '../render/sanitize.js';
import { type Cell, renderTable } from '../render/table.js';
import { loadDeploymentConfig } from '../workspace.js';

export interface TicketsOptions {
  readonly home?: string;
  readonly json?: boolean;
  readonly state?: string;
  readonly route?: string;
  readonly limit?: number;
}

/** Shown ids: enough of the UUID to tell deliveries apart; `tickets retry` takes any unique prefix. */
const SHORT_ID = 8;
const DEFAULT_LIMIT = 50;
const STATE_STYLE: Readonly<Record<TicketState, (s: string) => string>> = {
  pending: pc.yellow,
  delivered: pc.green,
  dead: pc.red,
};

function parseStates(state: string | undefined): TicketState[] | undefined {
  if (state === undefined || state === 'all') return undefined;
  const states = state.split(',').map((s) => s.trim());
  for (const s of states) {
    if (!TICKET_STATES.some((known) => known === s)) {
      throw new UsageError(`--state: unknown state "${s}" (expected ${TICKET_STATES.join(', ')} or all)`);
    }
  }
  return states as TicketState[];
}

function recordJson(r: TicketRecord) {
  return {
    id: r.id,
    route: r.route,
    action: r.event.action,
    dedupKey: r.event.dedupKey,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.createdAt,
    nextAttemptAt: r.state === 'pending' ? r.nextAttemptAt : null,
    lastAttemptAt: r.lastAttemptAt,
    deliveredAt: r.deliveredAt,
    lastError: r.lastError,
    ref: r.ref,
    event: r.event,
  };
}

function row(r: TicketRecord): Cell[] {
  const when = r.state === 'pending' ? `next ${r.nextAttemptAt}` : (r.deliveredAt ?? r.lastAttemptAt ?? '');
  const note = r.state === 'delivered' ? (r.ref ?? '') : (r.lastError ?? '');
  return [
    r.id.slice(0, SHORT_ID),
    r.route,
    r.event.action,
    { text: r.state, style: STATE_STYLE[r.state] },
    String(r.attempts),
    r.event.dedupKey,
    when,
    note,
  ];
}

/** `healops tickets`: the outbox — pending, delivered and dead ticket actions, oldest first. */
export async function ticketsCommand(options: TicketsOptions): Promise<ExitCode> {
  const states = parseStates(options.state);
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json({ counts: { pending: 0, delivered: 0, dead: 0 }, tickets: [] });
    return EXIT.ok;
  }
  try {
    const outbox = store.ticketOutbox();
    const records = await outbox.list({
      ...(states ? { states } : {}),
      ...(options.route ? { route: options.route } : {}),
      limit: options.limit ?? DEFAULT_LIMIT,
    });
    const counts = await outbox.counts();
    if (options.json) {
      out.json({ counts, tickets: records.map(recordJson) });
      return EXIT.ok;
    }
    out.line(`tickets: ${counts.pending} pending, ${counts.delivered} delivered, ${counts.dead} dead`);
    if (records.length > 0) {
      out.line();
      out.line(
        renderTable(
          ['ID', 'ROUTE', 'ACTION', 'STATE', 'TRIES', 'PROBLEM', 'WHEN', 'REF / LAST ERROR'],
          records.map(row),
          out.width(),
        ),
      );
    }
    if (counts.dead > 0)
      out.line(pc.dim('re-queue dead actions with: healops tickets retry --all (or ID...)'));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

export interface TicketsRetryOptions {
  readonly home?: string;
  readonly all?: boolean;
  readonly json?: boolean;
}

/** `healops tickets retry`: dead actions back to pending (by id prefix, or --all); the next run delivers them. */
export async function ticketsRetryCommand(
  ids: readonly string[],
  options: TicketsRetryOptions,
): Promise<ExitCode> {
  if (ids.length === 0 && !options.all)
    throw new UsageError('name the dead tickets to retry (ID...), or pass --all');
  if (ids.length > 0 && options.all) throw new UsageError('pass either ID... or --all, not both');
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) return ids.length > 0 ? EXIT.usage : EXIT.ok;
  try {
    const outbox = store.ticketOutbox();
    let chosen: string[] | undefined;
    if (!options.all) {
      const dead = await outbox.list({ states: ['dead'] });
      chosen = ids.map((prefix) => {
        const matches = dead.filter((r) => r.id.startsWith(prefix));
        if (matches.length === 1 && matches[0]) return matches[0].id;
        throw new UsageError(
          matches.length === 0
            ? `no dead ticket action with id ${prefix} (see: healops tickets --state dead)`
            : `id ${prefix} matches ${matches.length} dead ticket actions; give more characters`,
        );
      });
    }
    const count = await outbox.retryDead(chosen, new Date());
    if (options.json) out.json({ requeued: count });
    else
      out.line(
        `re-queued ${count} ticket action${count === 1 ? '' : 's'}; delivered by the next healops run (or now: healops tickets deliver)`,
      );
    return EXIT.ok;
  } finally {
    store.close();
  }
}

export interface TicketsDeliverOptions {
  readonly home?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** `healops tickets deliver`: one delivery pass now, with the config's routes; exit 1 while any stay pending. */
export async function ticketsDeliverCommand(options: TicketsDeliverOptions): Promise<ExitCode> {
  const config = await loadDeploymentConfig(options.config);
  const routes = config?.config.tickets ?? [];
  if (routes.length === 0) throw new UsageError('no tickets: routes in the config; nothing can be delivered');
  const store = openSqliteStore(resolveHome(options.home));
  try {
    const tickets = await localTickets(store, new SystemClock(), routes, {
      onProblem: (m) => out.error(sanitize(`healops: warning: ${m}`)),
    });
    const summary = tickets ? await tickets.pipeline.deliver() : { delivered: 0, failed: 0, dead: 0 };
    const counts = await store.ticketOutbox().counts();
    if (options.json) out.json({ ...summary, pending: counts.pending });
    else
      out.line(
        `tickets: ${summary.delivered} delivered, ${summary.dead} dead-lettered, ${counts.pending} still pending`,
      );
    return counts.pending > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    store.close();
  }
}
