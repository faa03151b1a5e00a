import type {
  ClaimOptions,
  QueuedTicket,
  TicketLinks,
  TicketListQuery,
  TicketOutbox,
  TicketRecord,
  TicketState,
} from '../../src/tickets/ports.js';

type Row = { -readonly [K in keyof TicketRecord]: TicketRecord[K] } & { claimedUntil: number };

/** In-memory TicketOutbox + TicketLinks with the contract of the SQLite one (which has its own tests). */
export class MemoryTicketOutbox implements TicketOutbox, TicketLinks {
  readonly rows: Row[] = [];
  readonly links = new Map<string, string>();
  #seq = 0;

  async enqueue(tickets: readonly QueuedTicket[], at: Date) {
    for (const t of tickets) {
      this.rows.push({
        ...t,
        seq: ++this.#seq,
        state: 'pending',
        attempts: 0,
        createdAt: at.toISOString(),
        nextAttemptAt: at.toISOString(),
        lastAttemptAt: null,
        deliveredAt: null,
        lastError: null,
        ref: null,
        claimedUntil: 0,
      });
    }
  }

  async claimDue(route: string, now: Date, limit: number, options: ClaimOptions) {
    const heads = new Map<string, Row>();
    for (const row of this.rows) {
      if (row.route !== route || row.state !== 'pending' || heads.has(row.event.dedupKey)) continue;
      heads.set(row.event.dedupKey, row);
    }
    const due = [...heads.values()]
      .filter((r) => r.claimedUntil <= now.getTime())
      .filter((r) => options.ignoreBackoff || Date.parse(r.nextAttemptAt) <= now.getTime())
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    for (const row of due) row.claimedUntil = now.getTime() + options.claimMs;
    return due.map((r) => this.#copy(r));
  }

  async markDelivered(id: string, at: Date, ref: string | null) {
    const row = this.#row(id);
    Object.assign(row, {
      state: 'delivered',
      attempts: row.attempts + 1,
      deliveredAt: at.toISOString(),
      lastAttemptAt: at.toISOString(),
      ref,
      claimedUntil: 0,
    });
  }

  async markFailed(
    id: string,
    error: string,
    outcome: { readonly retryAt: Date; readonly countAttempt: boolean } | { readonly dead: true },
    at: Date,
  ) {
    const row = this.#row(id);
    row.lastError = error;
    row.lastAttemptAt = at.toISOString();
    row.claimedUntil = 0;
    if ('dead' in outcome) {
      row.state = 'dead';
      row.attempts += 1;
    } else {
      row.nextAttemptAt = outcome.retryAt.toISOString();
      row.attempts += outcome.countAttempt ? 1 : 0;
    }
  }

  async release(ids: readonly string[]) {
    for (const id of ids) this.#row(id).claimedUntil = 0;
  }

  async list(query: TicketListQuery) {
    return this.rows
      .filter((r) => !query.states || query.states.includes(r.state))
      .filter((r) => query.route === undefined || r.route === query.route)
      .map((r) => this.#copy(r));
  }

  async retryDead(ids: readonly string[] | undefined, now: Date) {
    let n = 0;
    for (const row of this.rows) {
      if (row.state !== 'dead' || (ids && !ids.includes(row.id))) continue;
      const superseded = this.rows.some(
        (l) =>
          l.route === row.route &&
          l.event.dedupKey === row.event.dedupKey &&
          l.seq > row.seq &&
          l.state !== 'dead',
      );
      if (superseded) continue;
      Object.assign(row, {
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now.toISOString(),
        claimedUntil: 0,
      });
      n++;
    }
    return n;
  }

  async counts() {
    const counts: Record<TicketState, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const row of this.rows) counts[row.state]++;
    return counts;
  }

  async attemptsSince(route: string, since: Date) {
    return this.rows
      .filter(
        (r) =>
          r.route === route && r.lastAttemptAt !== null && Date.parse(r.lastAttemptAt) >= since.getTime(),
      )
      .map((r) => new Date(r.lastAttemptAt ?? 0))
      .sort((a, b) => a.getTime() - b.getTime());
  }

  async getLink(route: string, dedupKey: string) {
    return this.links.get(`${route} ${dedupKey}`);
  }

  async setLink(route: string, dedupKey: string, ref: string | null) {
    if (ref === null) this.links.delete(`${route} ${dedupKey}`);
    else this.links.set(`${route} ${dedupKey}`, ref);
  }

  #row(id: string): Row {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new Error(`no ticket ${id}`);
    return row;
  }

  #copy(row: Row): TicketRecord {
    const { claimedUntil: _claimed, ...record } = row;
    return record;
  }
}
