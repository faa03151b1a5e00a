import { randomBytes } from 'node:crypto';
import { AUDIT_EVENTS, type AuditEvent, STATUS_NAMES } from '@healops/core';
import { auditPk, padNumber, utcDay } from './item-keys.js';
import {
  fromJson,
  type Item,
  isoMs,
  isRecord,
  oneOf,
  readNumber,
  readString,
  toJson,
} from './item-values.js';

const DAY_MS = 86_400_000;

let lastStamp = 0;

/**
 * Increasing per process and close to wall-clock microseconds across processes: events of the same time keep the
 * order they were appended in.
 */
function writeStamp(): string {
  lastStamp = Math.max(lastStamp + 1, Date.now() * 1000);
  return padNumber(lastStamp, 17);
}

/**
 * One audit event: `pk=AUDIT#<utc day>`, `sk=<iso time>#<write stamp>#<random>`, expiring `retentionDays` after the
 * event's time. Validated before anything is written, so a bad event fails the whole append.
 */
export function auditToItem(event: AuditEvent, retentionDays: number): Item {
  const what = `audit event ${event.type}`;
  oneOf(AUDIT_EVENTS, event.type, `${what} type`);
  const ms = isoMs(event.time, what);
  const time = new Date(ms).toISOString();
  return {
    pk: auditPk(utcDay(ms)),
    sk: `${time}#${writeStamp()}#${randomBytes(4).toString('hex')}`,
    time: ms,
    type: event.type,
    package: event.key.package,
    check: event.key.check,
    target: event.key.target,
    ...(event.status === undefined ? {} : { status: event.status }),
    message: event.message,
    ...(event.detail === undefined ? {} : { detail: toJson(event.detail, `${what} detail`) }),
    expiresAt: Math.floor((ms + retentionDays * DAY_MS) / 1000),
  };
}

export function itemToAudit(item: Item): AuditEvent {
  const what = `audit event ${String(item.sk)}`;
  const status = item.status;
  const detail = item.detail;
  return {
    time: new Date(readNumber(item, 'time', what)).toISOString(),
    type: oneOf(AUDIT_EVENTS, readString(item, 'type', what), `${what} type`),
    key: {
      package: readString(item, 'package', what),
      check: readString(item, 'check', what),
      target: readString(item, 'target', what),
    },
    ...(typeof status === 'string' ? { status: oneOf(STATUS_NAMES, status, `${what} status`) } : {}),
    message: readString(item, 'message', what),
    ...(typeof detail === 'string' ? { detail: fromJson(detail, isRecord, `${what} detail`) } : {}),
  };
}

/** The UTC days from the day of `fromMs` to the day after `toMs` (events stamped slightly ahead), oldest first. */
export function auditDays(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  const start = Date.parse(`${utcDay(fromMs)}T00:00:00.000Z`);
  for (let day = start; day <= toMs + DAY_MS; day += DAY_MS) days.push(utcDay(day));
  return days;
}

export const AUDIT_DAY_MS = DAY_MS;
