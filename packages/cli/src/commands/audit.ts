import type { AuditEvent } from '@healops/core';
import type { ExitCode } from '../exit-codes.js';
import { type ListOptions, listRecords } from './list-records.js';

export type AuditOptions = ListOptions;

/** The audit trail: every transition, repair and escalation, oldest first. */
export function auditCommand(options: AuditOptions): Promise<ExitCode> {
  return listRecords<AuditEvent>(options, {
    noun: 'audit events',
    headers: ['TIME', 'CHECK', 'TARGET', 'EVENT', 'MESSAGE'],
    row: (e) => [e.time, `${e.key.package}/${e.key.check}`, e.key.target, e.type, e.message],
    query: (store, filter) => store.queryAudit(filter),
  });
}
