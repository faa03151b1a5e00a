import type { AuditLog, Clock } from '../ports.js';
import { type DeliverySummary, deliverTickets, type RouteDelivery } from './deliver-tickets.js';
import type { TicketLinks, TicketOutbox } from './ports.js';

/** What an engine needs to deliver its tickets at the end of each cycle. */
export interface TicketPipeline {
  /** One delivery pass of at most the pipeline's pass time; the first pass of a process probes waiting receivers. */
  deliver(signal?: AbortSignal): Promise<DeliverySummary>;
  readonly outbox: TicketOutbox;
}

export interface TicketPipelineOptions {
  readonly outbox: TicketOutbox;
  readonly links: TicketLinks;
  /** Routes that can deliver now (a route whose secret is missing is left out: its actions wait). */
  readonly routes: ReadonlyMap<string, RouteDelivery>;
  readonly clock: Clock;
  readonly audit?: AuditLog;
  /** How long one pass may keep starting sends (`healops run --once` waits this long at most). */
  readonly passMs: number;
  readonly onProblem?: (message: string) => void;
  readonly onPass?: (summary: DeliverySummary) => void;
}

export const DEFAULT_TICKET_PASS_MS = 20_000;

export function ticketPipeline(options: TicketPipelineOptions): TicketPipeline {
  let probe = true;
  return {
    outbox: options.outbox,
    async deliver(signal) {
      const now = options.clock.now();
      const summary = await deliverTickets({
        outbox: options.outbox,
        links: options.links,
        routes: options.routes,
        clock: options.clock,
        deadline: new Date(now.getTime() + options.passMs),
        probe,
        ...(options.audit ? { audit: options.audit } : {}),
        ...(signal ? { signal } : {}),
        ...(options.onProblem ? { onProblem: options.onProblem } : {}),
      });
      probe = false;
      options.onPass?.(summary);
      return summary;
    },
  };
}
