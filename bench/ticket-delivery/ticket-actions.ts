import { randomUUID } from 'node:crypto';
import {
  type CheckKey,
  problemDedupKey,
  type QueuedTicket,
  type TicketAction,
  type TicketEvent,
} from '@healops/core';
import { makeTicketEvent } from '../../packages/core/test/support/tickets-fixtures.js';

/** A delivery run that has not finished by then has gone wrong (it is a safety limit, not a measurement). */
export const DELIVERY_LIMIT_MS = 10 * 60_000;

export function checkKey(i: number): CheckKey {
  return { package: 'bench', check: `check-${i % 25}`, target: `srv-${i}` };
}

export function ticketEvent(key: CheckKey, action: TicketAction, at: Date): TicketEvent {
  return makeTicketEvent({
    action,
    key,
    dedupKey: problemDedupKey(key),
    summary: `${key.package}/${key.check} on ${key.target}: CRITICAL - connection refused`,
    occurredAt: at.toISOString(),
  });
}

/** Actions of `problems` problems, round-major (each cycle adds one action per problem), due at `at`. */
export function queuedActions(
  route: string,
  problems: number,
  actions: readonly TicketAction[],
  at: Date,
): QueuedTicket[] {
  return actions.flatMap((action) =>
    Array.from({ length: problems }, (_, i) => ({
      id: randomUUID(),
      route,
      event: ticketEvent(checkKey(i), action, at),
    })),
  );
}
