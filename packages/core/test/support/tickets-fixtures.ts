import type { RepairAttempt } from '../../src/model/results.js';
import type { TicketEvent } from '../../src/tickets/ticket-event.js';

export const REPAIR_FAILED: RepairAttempt = {
  attempt: 1,
  startedAt: '2026-03-01T10:00:05.000Z',
  exitCode: 1,
  timedOut: false,
  durationMs: 1200,
  output: 'systemctl restart nginx: Job for nginx.service failed',
  verifyStatus: 'critical',
  succeeded: false,
};

export const REPAIR_TIMED_OUT: RepairAttempt = {
  attempt: 2,
  startedAt: '2026-03-01T10:01:05.000Z',
  exitCode: null,
  timedOut: true,
  durationMs: 30000,
  output: '',
  verifyStatus: null,
  succeeded: false,
};

/** An escalation with everything filled in; override what a test is about. */
export function makeTicketEvent(overrides: Partial<TicketEvent> = {}): TicketEvent {
  return {
    action: 'trigger',
    dedupKey: 'healops/web/nginx-up/web-1',
    key: { package: 'web', check: 'nginx-up', target: 'web-1' },
    environment: 'prod',
    severity: 'critical',
    status: 'critical',
    summary: 'web/nginx-up on web-1: CRITICAL - connection refused',
    reason: 'repair-failed',
    detail: 'the repair ran 2 times and the check still fails',
    output: 'CRITICAL - connection refused\nport 80 closed | time=0.002s;1;2;0 size=0B',
    perfdata: [
      { label: 'time', value: 0.002, uom: 's' },
      { label: 'size', value: 0, uom: 'B' },
      { label: 'load', value: null, uom: '' },
    ],
    repairs: [REPAIR_FAILED, REPAIR_TIMED_OUT],
    firstSeen: '2026-03-01T09:59:00.000Z',
    occurredAt: '2026-03-01T10:01:40.000Z',
    runbook: 'https://runbooks.example/web/nginx-up',
    links: [{ href: 'https://status.example/web', text: 'Status page' }],
    imageUrl: 'https://graphs.example/web-1/nginx.png',
    ...overrides,
  };
}
