import { type BackoffPolicy, jitterFactor, retryWait } from '../delivery/backoff.js';
import { TransportError } from '../errors.js';
import type { AuditEvent } from '../model/state.js';
import type { AuditLog, Clock } from '../ports.js';
import type { TicketLinks, TicketOutbox, TicketRecord, TicketTransport } from './ports.js';
import { RateWindow } from './rate-window.js';
import { scrubSecrets } from './scrub-secrets.js';

// Delivers queued ticket actions, route by route (a receiver that is down never holds up the others), in order per
// problem. A pass tries each action a few times quickly (500 then 202 is delivered in the same run); an action that
// still fails waits with exponential backoff for a later pass, and is dead-lettered with its last error after the
// route's maxAttempts passes, or at once when the receiver refuses it (HTTP 400).

export interface RouteDelivery {
  readonly transport: TicketTransport;
  /** Passes before an action is dead-lettered. */
  readonly maxAttempts: number;
}

export interface TicketDeliveryOptions {
  readonly outbox: TicketOutbox;
  readonly links: TicketLinks;
  readonly routes: ReadonlyMap<string, RouteDelivery>;
  readonly clock: Clock;
  /** No send starts after this time; what is left stays pending for the next pass. */
  readonly deadline: Date;
  /**
   * A new process probes: it tries the oldest waiting action of each route even before its retry time, so a
   * receiver that came back is used at once. A failed probe does not count as an attempt.
   */
  readonly probe?: boolean;
  readonly audit?: AuditLog;
  readonly signal?: AbortSignal;
  /** Told about each failure (already scrubbed of secrets). */
  readonly onProblem?: (message: string) => void;
  /** Tries per action in one pass (default 3). */
  readonly quickTries?: number;
  readonly quickBackoff?: BackoffPolicy;
  /** Between passes (default 1 min doubling to 1 h). */
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
}

export interface DeliverySummary {
  readonly delivered: number;
  /** Failed this pass and still pending. */
  readonly failed: number;
  readonly dead: number;
}

export const TICKET_DELIVERY_DEFAULTS = {
  quickTries: 3,
  quickBackoff: { baseMs: 1_000, maxMs: 4_000 },
  backoff: { baseMs: 60_000, maxMs: 60 * 60_000 },
  claimBatch: 25,
  /** A claim outlives the pass's last possible send by this much. */
  claimMarginMs: 60_000,
  /** Longest one send may take when the transport does not say (a request timeout). */
  maxSendMs: 60_000,
} as const;

/** A minute, plus a margin for the receiver's clock: a rate "per minute" must hold on its clock too. */
const RATE_WINDOW_MS = 60_500;

type Outcome = 'delivered' | 'failed' | 'dead' | 'stopped';

export async function deliverTickets(options: TicketDeliveryOptions): Promise<DeliverySummary> {
  const totals = { delivered: 0, failed: 0, dead: 0 };
  await Promise.all(
    [...options.routes].map(async ([route, delivery]) => {
      const counts = await deliverRoute(options, route, delivery).catch((error: unknown) => {
        report(options, `tickets ${route}: delivery stopped: ${messageOf(error)}`);
        return { delivered: 0, failed: 0, dead: 0 };
      });
      totals.delivered += counts.delivered;
      totals.failed += counts.failed;
      totals.dead += counts.dead;
    }),
  );
  return totals;
}

async function deliverRoute(
  options: TicketDeliveryOptions,
  route: string,
  delivery: RouteDelivery,
): Promise<DeliverySummary> {
  const { outbox, clock } = options;
  const counts = { delivered: 0, failed: 0, dead: 0 };
  const start = clock.now();
  const rate = delivery.transport.ratePerMinute;
  const window =
    rate === undefined
      ? undefined
      : new RateWindow(
          rate,
          RATE_WINDOW_MS,
          await outbox.attemptsSince(route, new Date(start.getTime() - RATE_WINDOW_MS)),
        );
  let probing = options.probe ?? false;
  let receiverUp = false;
  while (!stopped(options)) {
    const now = clock.now();
    // The claim must outlive every send this pass may still start, each with its quick retries, so no other
    // deliverer takes a record whose send is still in flight.
    const sendMs = delivery.transport.maxSendMs ?? TICKET_DELIVERY_DEFAULTS.maxSendMs;
    const quickTries = options.quickTries ?? TICKET_DELIVERY_DEFAULTS.quickTries;
    const claimMs =
      Math.max(0, options.deadline.getTime() - now.getTime()) +
      quickTries * (sendMs + TICKET_DELIVERY_DEFAULTS.quickBackoff.maxMs) +
      TICKET_DELIVERY_DEFAULTS.claimMarginMs;
    const batch = await outbox.claimDue(route, now, probing ? 1 : TICKET_DELIVERY_DEFAULTS.claimBatch, {
      claimMs,
      ignoreBackoff: probing || receiverUp,
    });
    if (batch.length === 0) break;
    const wasProbe = probing;
    probing = false;
    for (const [index, record] of batch.entries()) {
      const ready = !stopped(options) && (window === undefined || (await waitForSlot(options, window)));
      const outcome = ready
        ? await deliverOne(options, route, delivery, record, wasProbe, window)
        : 'stopped';
      if (outcome === 'delivered') {
        counts.delivered++;
        receiverUp = true;
        continue;
      }
      if (outcome === 'dead') {
        counts.dead++;
        continue;
      }
      if (outcome === 'failed') counts.failed++;
      // The receiver is down (or the pass is over): give the rest back untried, for the next pass.
      await outbox.release(batch.slice(index + (outcome === 'failed' ? 1 : 0)).map((r) => r.id));
      return counts;
    }
  }
  return counts;
}

function stopped(options: TicketDeliveryOptions): boolean {
  return options.signal?.aborted === true || options.clock.now().getTime() >= options.deadline.getTime();
}

/** Waits for a free slot in the rate window; false when that would pass the deadline. */
async function waitForSlot(options: TicketDeliveryOptions, window: RateWindow): Promise<boolean> {
  const wait = window.waitMs(options.clock.now());
  if (wait === 0) return true;
  if (options.clock.now().getTime() + wait >= options.deadline.getTime()) return false;
  await options.clock.sleep(wait, options.signal);
  return !stopped(options) && window.waitMs(options.clock.now()) === 0;
}

async function deliverOne(
  options: TicketDeliveryOptions,
  route: string,
  delivery: RouteDelivery,
  record: TicketRecord,
  probe: boolean,
  window: RateWindow | undefined,
): Promise<Outcome> {
  const { clock, outbox } = options;
  const random = options.random ?? Math.random;
  const quickTries = options.quickTries ?? TICKET_DELIVERY_DEFAULTS.quickTries;
  const quickBackoff = options.quickBackoff ?? TICKET_DELIVERY_DEFAULTS.quickBackoff;
  const secrets = delivery.transport.secrets ?? [];
  let lastError: unknown;
  for (let attempt = 1; attempt <= quickTries; attempt++) {
    window?.record(clock.now());
    let result: { readonly ref: string | null };
    try {
      result = await delivery.transport.send(record, {
        links: options.links,
        now: clock.now(),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      lastError = error;
      if (!isRetryable(error)) break;
      const wait = retryWait(attempt, quickBackoff, error, jitterFactor(random));
      if (attempt === quickTries || clock.now().getTime() + wait >= options.deadline.getTime()) break;
      await clock.sleep(wait, options.signal);
      if (options.signal?.aborted) break;
      continue;
    }
    // Sent: a failure to record it now is the store's, not the receiver's — it must not send the action again.
    const at = clock.now();
    await outbox.markDelivered(record.id, at, result.ref);
    await audit(options, record, at, 'ticket-delivered', deliveredMessage(record, route, result.ref), {
      route,
      deliveryId: record.id,
      ref: result.ref,
    });
    return 'delivered';
  }
  const at = clock.now();
  const message = scrubSecrets(messageOf(lastError), secrets);
  // A probe ahead of the retry time keeps the schedule it had: frequent runs must not burn through the attempts.
  const early = probe && Date.parse(record.nextAttemptAt) > at.getTime();
  const attempts = record.attempts + (early ? 0 : 1);
  if (!isRetryable(lastError) || (!early && attempts >= delivery.maxAttempts)) {
    const why = isRetryable(lastError)
      ? `gave up after ${attempts} delivery passes`
      : 'refused by the receiver';
    await outbox.markFailed(record.id, message, { dead: true }, at);
    report(
      options,
      `tickets ${route}: ${record.event.action} ${record.event.dedupKey} dead-lettered (${why}): ${message}`,
    );
    await audit(
      options,
      record,
      at,
      'ticket-dead',
      `${route}: ${record.event.action} dead-lettered (${why}): ${message}`,
      {
        route,
        deliveryId: record.id,
        attempts,
      },
    );
    return 'dead';
  }
  const backoff = options.backoff ?? TICKET_DELIVERY_DEFAULTS.backoff;
  const retryAt = early
    ? new Date(Date.parse(record.nextAttemptAt))
    : new Date(at.getTime() + retryWait(attempts, backoff, lastError, jitterFactor(random)));
  await outbox.markFailed(record.id, message, { retryAt, countAttempt: !early }, at);
  report(
    options,
    `tickets ${route}: ${record.event.action} ${record.event.dedupKey} not delivered, next try ${retryAt.toISOString()}: ${message}`,
  );
  return 'failed';
}

function isRetryable(error: unknown): boolean {
  // Anything but a receiver's refusal is worth another try: a bug or a network error must not lose a ticket.
  return !(error instanceof TransportError) || error.retryable;
}

function deliveredMessage(record: TicketRecord, route: string, ref: string | null): string {
  return `${route}: ${record.event.action} delivered${ref ? ` (${ref})` : ''}`;
}

async function audit(
  options: TicketDeliveryOptions,
  record: TicketRecord,
  at: Date,
  type: AuditEvent['type'],
  message: string,
  detail: Record<string, unknown>,
): Promise<void> {
  if (!options.audit) return;
  try {
    await options.audit.append([
      {
        time: at.toISOString(),
        type,
        key: record.event.key,
        message,
        detail: { ...detail, dedupKey: record.event.dedupKey },
      },
    ]);
  } catch (error) {
    report(options, `tickets: audit trail not written: ${messageOf(error)}`);
  }
}

function report(options: TicketDeliveryOptions, message: string): void {
  try {
    options.onProblem?.(message);
  } catch {
    // Reporting must never break delivery.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
