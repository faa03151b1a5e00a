import {
  type Clock,
  type DeliverySummary,
  deliverTickets,
  type RouteDelivery,
  type TicketImageLookup,
  type TicketState,
  ticketImageLookup,
  withTicketImages,
} from '@healops/core';
import { createTicketTransports } from '@healops/sinks';
import { NOTIFY_DEFAULTS, type NotifyDeps } from './notify-deps.js';

export interface PassResult {
  readonly summary: DeliverySummary;
  /** The outbox backlog after the pass (undefined when it could not be counted). */
  readonly counts: Readonly<Record<TicketState, number>> | undefined;
}

/**
 * The ticket transports, built once per container: a route whose secret cannot be resolved is logged (by
 * reference, never a value) and left out — its actions wait in the outbox — and the build is tried again at the
 * next invocation until every route builds. With `deps.images`, triggers and updates carry a graph image when one
 * can be made in time (withTicketImages: never a reason for a send to fail).
 */
export function transportCache(deps: NotifyDeps): () => Promise<ReadonlyMap<string, RouteDelivery>> {
  let built: ReadonlyMap<string, RouteDelivery> | undefined;
  // One lookup per container: an image made for one invocation is linked again by a retry in the next.
  const images: TicketImageLookup | undefined = deps.images
    ? ticketImageLookup({
        images: deps.images,
        ...(deps.imageTimeoutMs === undefined ? {} : { timeoutMs: deps.imageTimeoutMs }),
        onProblem: (message) => deps.logger.warn(message),
      })
    : undefined;
  return async () => {
    if (built !== undefined) return built;
    let complete = true;
    const deliveries = await createTicketTransports(deps.routes, deps.secrets, {
      onRouteError: (route, error) => {
        complete = false;
        deps.logger.error(`ticket route "${route}" cannot deliver; its actions wait in the outbox`, {
          reason: error.message,
        });
      },
    });
    const routes = images ? withTicketImages(deliveries, images) : deliveries;
    if (complete) built = routes;
    return routes;
  };
}

/**
 * One delivery pass over the outbox, ending `deadlineMarginMs` before the invocation would time out. A pass that
 * fails is logged and reported as nothing delivered: the actions stay in the outbox for the next pass.
 */
export async function deliveryPass(
  deps: NotifyDeps,
  clock: Clock,
  routes: () => Promise<ReadonlyMap<string, RouteDelivery>>,
  remainingMs: number,
  probe: boolean,
): Promise<PassResult> {
  const { logger, store } = deps;
  const margin = deps.deadlineMarginMs ?? NOTIFY_DEFAULTS.deadlineMarginMs;
  const passMs = Math.max(0, Math.min(remainingMs - margin, deps.maxPassMs ?? Number.POSITIVE_INFINITY));
  let summary: DeliverySummary = { delivered: 0, failed: 0, dead: 0 };
  if (passMs === 0) {
    logger.warn(`no time left for a delivery pass (${remainingMs} ms remaining, margin ${margin} ms)`);
  } else {
    const signal = AbortSignal.timeout(Math.max(1, remainingMs - NOTIFY_DEFAULTS.abortMarginMs));
    try {
      summary = await deliverTickets({
        outbox: store,
        links: store,
        audit: store,
        routes: await routes(),
        clock,
        deadline: new Date(clock.now().getTime() + passMs),
        probe,
        signal,
        onProblem: (message) => logger.warn(message),
        ...(deps.delivery?.quickTries === undefined ? {} : { quickTries: deps.delivery.quickTries }),
        ...(deps.delivery?.quickBackoff ? { quickBackoff: deps.delivery.quickBackoff } : {}),
        ...(deps.delivery?.backoff ? { backoff: deps.delivery.backoff } : {}),
      });
    } catch (error) {
      logger.error('ticket delivery pass failed; the actions stay in the outbox', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  let counts: Readonly<Record<TicketState, number>> | undefined;
  try {
    counts = await store.counts();
  } catch (error) {
    logger.error('ticket outbox not counted', {
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  logger.info(
    `tickets: ${summary.delivered} delivered, ${summary.failed} failed, ${summary.dead} dead-lettered this pass` +
      (counts ? `; outbox: ${counts.pending} pending, ${counts.dead} dead` : ''),
    { tickets: { ...summary, ...(counts ? { pending: counts.pending, deadTotal: counts.dead } : {}) } },
  );
  return { summary, counts };
}
