import { AUDIT_EVENTS, type AuditEvent, STATUS_NAMES } from '@healops/core';
import { epochMsToIso, fromJsonText, isoToEpochMs, isRecord, oneOf, toJsonText } from './columns.js';

/** One row of audit_event as better-sqlite3 returns it (without the id when inserting). */
export interface AuditEventRow {
  readonly time: number;
  readonly type: string;
  readonly package: string;
  readonly check_name: string;
  readonly target: string;
  readonly status: string | null;
  readonly message: string;
  readonly detail: string | null;
}

export interface StoredAuditEventRow extends AuditEventRow {
  readonly id: number;
}

export function auditEventToRow(event: AuditEvent): AuditEventRow {
  const what = `audit event ${event.type}`;
  return {
    time: isoToEpochMs(event.time, what),
    type: event.type,
    package: event.key.package,
    check_name: event.key.check,
    target: event.key.target,
    status: event.status ?? null,
    message: event.message,
    detail: event.detail === undefined ? null : toJsonText(event.detail, `${what} detail`),
  };
}

export function rowToAuditEvent(row: StoredAuditEventRow): AuditEvent {
  const what = `audit event #${row.id}`;
  const base = {
    time: epochMsToIso(row.time),
    type: oneOf(AUDIT_EVENTS, row.type, `${what} type`),
    key: { package: row.package, check: row.check_name, target: row.target },
    message: row.message,
  };
  return {
    ...base,
    ...(row.status === null ? {} : { status: oneOf(STATUS_NAMES, row.status, `${what} status`) }),
    ...(row.detail === null ? {} : { detail: fromJsonText(row.detail, isRecord, `${what} detail`) }),
  };
}
