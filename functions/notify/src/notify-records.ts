import type { Logger } from '@aws-lambda-powertools/logger';
import { type AlarmOutcome, applyAlarm, type Clock, routeName, type TicketRoute } from '@healops/core';
import type { NotifyDeps } from './notify-deps.js';
import { type NotifyMessage, parseNotifyMessage, type SqsBatch } from './notify-input.js';

export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** The routes applyAlarm queues to: every route of the bundle, by name and severities. */
export function ticketRoutes(deps: Pick<NotifyDeps, 'routes'>): TicketRoute[] {
  return deps.routes.map((c) => ({
    name: routeName(c),
    ...(c.severities ? { severities: c.severities } : {}),
  }));
}

/**
 * Handles each SQS record in turn: an alarm is applied (problem state and ticket actions saved together), a
 * HealOps wake-up is validated and logged. Returns the records that could not be parsed or applied, so SQS
 * redelivers only those (and its dead-letter queue takes them after maxReceiveCount).
 */
export async function processRecords(
  deps: NotifyDeps,
  clock: Clock,
  batch: SqsBatch,
): Promise<BatchItemFailure[]> {
  const failures: BatchItemFailure[] = [];
  const routes = ticketRoutes(deps);
  for (const record of batch.Records) {
    const { logger } = deps;
    const keys = ['messageId', 'eventId', 'correlationId'];
    logger.appendKeys({ messageId: record.messageId });
    try {
      const message = parseNotifyMessage(record.body, `SQS message ${record.messageId}`);
      const correlationId = message.kind === 'wake' ? message.event.detail.correlationId : message.eventId;
      logger.appendKeys({ eventId: message.eventId, correlationId });
      await handleMessage(deps, clock, routes, message);
    } catch (error) {
      failures.push({ itemIdentifier: record.messageId });
      // The message only: causes (zod issues) may quote the event.
      logger.error('notification rejected; SQS will redeliver it', {
        reason: error instanceof Error ? error.message : String(error),
        errorName: error instanceof Error ? error.name : typeof error,
      });
    } finally {
      logger.removeKeys(keys);
    }
  }
  return failures;
}

async function handleMessage(
  deps: NotifyDeps,
  clock: Clock,
  routes: readonly TicketRoute[],
  message: NotifyMessage,
): Promise<void> {
  if (message.kind === 'alarm') {
    const outcome = await applyAlarm({ state: deps.store, audit: deps.store, clock }, message.event, {
      routes,
      environment: deps.environment,
      ...(deps.defaultSeverity ? { defaultSeverity: deps.defaultSeverity } : {}),
    });
    logAlarm(deps.logger, outcome);
    return;
  }
  const { detailType, detail } = message.event;
  const action = detail.ticket?.action ?? 'none';
  deps.logger.info(
    `${detailType}: ${detail.package}/${detail.check} on ${detail.target}: its ticket action (${action}) waits in the outbox`,
    { dedupKey: detail.dedupKey, severity: detail.severity, ticketAction: action },
  );
}

function logAlarm(logger: Logger, outcome: AlarmOutcome): void {
  logger.info(outcome.message, {
    alarmAction: outcome.action,
    key: outcome.key,
    queued: outcome.tickets.map((t) => ({ id: t.id, route: t.route, action: t.event.action })),
  });
}
