import type { CheckKey } from '@healops/core';

// Key layout of the HealOps table. Names inside keys are escaped so a `#` in a name cannot make two keys collide.

/** Escapes `%` and `#` so the `#`-joined parts of a key stay unambiguous. */
export function keyPart(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('#', '%23');
}

/** Zero-padded decimal, so numbers sort as strings (seq, epoch milliseconds). */
export function padNumber(n: number, width = 16): string {
  return String(Math.max(0, Math.floor(n))).padStart(width, '0');
}

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const STATE_LIST_PK = 'STATE';
export const PROBLEM_PK = 'PROBLEM';

export function stateKey(key: CheckKey): ItemKey {
  return { pk: `STATE#${keyPart(key.package)}#${keyPart(key.check)}`, sk: key.target };
}

export function stateListSk(key: CheckKey): string {
  return `${keyPart(key.package)}#${keyPart(key.check)}#${keyPart(key.target)}`;
}

export function problemSk(openedAt: string, key: CheckKey): string {
  return `${openedAt}#${stateListSk(key)}`;
}

/** Audit events live in one partition per UTC day of their time. */
export function auditPk(day: string): string {
  return `AUDIT#${day}`;
}

/** The UTC day (yyyy-mm-dd) of an epoch-milliseconds time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function ticketPk(route: string): string {
  return `TICKET#${keyPart(route)}`;
}

export function ticketKey(route: string, seq: number): ItemKey {
  return { pk: ticketPk(route), sk: padNumber(seq) };
}

/** gsi1 partition of a route's pending or dead actions. */
export function ticketStatePk(state: 'pending' | 'dead', route: string): string {
  return `TICKETS#${state}#${keyPart(route)}`;
}

/** gsi2 partition of a route's delivery attempts. */
export function attemptPk(route: string): string {
  return `ATTEMPT#${keyPart(route)}`;
}

/** Points from a delivery id to its ticket item; also keeps delivery ids unique. */
export function ticketIdKey(id: string): ItemKey {
  return { pk: `TICKETID#${id}`, sk: 'TICKETID' };
}

/** Registry of the routes that have ticket actions (one item per route), for listing across routes. */
export function routeKey(route: string): ItemKey {
  return { pk: 'TICKETROUTES', sk: route };
}

export const ROUTES_PK = 'TICKETROUTES';

/** Atomic counter the ticket seq numbers are taken from. */
export const TICKET_SEQ_KEY: ItemKey = { pk: 'COUNTER', sk: 'ticket-seq' };

export function linkKey(route: string, dedupKey: string): ItemKey {
  return { pk: `LINK#${keyPart(route)}`, sk: dedupKey };
}

export function describeKey(key: CheckKey): string {
  return `${key.package}/${key.check}@${key.target}`;
}
