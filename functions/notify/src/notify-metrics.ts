import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DeliverySummary, METRIC, type TicketState } from '@healops/core';

/** Metrics of the notify function; the backlog gauges are the ones the CLI reports (core METRIC). */
export const NOTIFY_METRIC = {
  /** Ticket actions delivered by this invocation's pass. */
  ticketsDelivered: 'healops.tickets.delivered',
  /** Failed this pass and still pending (they wait for a later pass). */
  ticketsFailed: 'healops.tickets.failed',
  /** Dead-lettered by this pass. */
  ticketsDeadLettered: 'healops.tickets.dead_lettered',
  /** The outbox backlog after the pass. */
  ticketsPending: METRIC.ticketsPending,
  ticketsDead: METRIC.ticketsDead,
  /** Queue messages rejected (left for redelivery, then the dead-letter queue). */
  recordsRejected: 'healops.notify.rejected',
} as const;

export function addPassMetrics(metrics: Metrics, summary: DeliverySummary): void {
  metrics.addMetric(NOTIFY_METRIC.ticketsDelivered, MetricUnit.Count, summary.delivered);
  metrics.addMetric(NOTIFY_METRIC.ticketsFailed, MetricUnit.Count, summary.failed);
  metrics.addMetric(NOTIFY_METRIC.ticketsDeadLettered, MetricUnit.Count, summary.dead);
}

export function addBacklogMetrics(metrics: Metrics, counts: Readonly<Record<TicketState, number>>): void {
  metrics.addMetric(NOTIFY_METRIC.ticketsPending, MetricUnit.Count, counts.pending);
  metrics.addMetric(NOTIFY_METRIC.ticketsDead, MetricUnit.Count, counts.dead);
}
