import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SystemClock } from '@healops/local';
import middy from '@middy/core';
import type { LambdaContextLike } from './lambda-context.js';
import { deliveryPass, transportCache } from './notify-delivery.js';
import type { NotifyDeps } from './notify-deps.js';
import { isDrainInput, type NotifyInput, notifyInputSchema } from './notify-input.js';
import { addBacklogMetrics, addPassMetrics, NOTIFY_METRIC } from './notify-metrics.js';
import { type BatchItemFailure, processRecords } from './notify-records.js';

/** What an SQS invocation answers (ReportBatchItemFailures): the records to redeliver. */
export interface SqsBatchResult {
  readonly batchItemFailures: BatchItemFailure[];
}

/** What a scheduled drain answers: the pass and the backlog after it. */
export interface DrainResult {
  readonly delivered: number;
  readonly failed: number;
  readonly dead: number;
  readonly pending: number | null;
}

export type NotifyResult = SqsBatchResult | DrainResult;

export type NotifyHandler = (event: unknown, context: LambdaContextLike) => Promise<NotifyResult>;

/**
 * The notify function: SQS batches of `HealOps Escalated` / `HealOps Recovered` / `CloudWatch Alarm State Change`
 * events (alarms are applied to their problem state, queuing ticket actions atomically; HealOps events only wake
 * the function, their actions being already queued), then one ticket delivery pass over the outbox. The scheduled
 * `{ "drain": true }` runs only the pass. Powertools Logger (Lambda context, correlation ids per record), Metrics
 * (EMF) and Parser (the input schema) wrap it.
 */
export function createNotifyHandler(deps: NotifyDeps): NotifyHandler {
  const clock = deps.clock ?? new SystemClock();
  const routes = transportCache(deps);
  let firstPass = true;

  const notify = async (input: NotifyInput, context: LambdaContextLike): Promise<NotifyResult> => {
    const drain = isDrainInput(input);
    const failures = drain ? [] : await processRecords(deps, clock, input);
    if (failures.length > 0) {
      deps.metrics.addMetric(NOTIFY_METRIC.recordsRejected, MetricUnit.Count, failures.length);
    }
    // A new container, or the scheduled drain, probes receivers that failed before (a failed probe costs nothing).
    const probe = firstPass || drain;
    firstPass = false;
    const pass = await deliveryPass(deps, clock, routes, context.getRemainingTimeInMillis(), probe);
    addPassMetrics(deps.metrics, pass.summary);
    if (pass.counts) addBacklogMetrics(deps.metrics, pass.counts);
    if (drain) return { ...pass.summary, pending: pass.counts?.pending ?? null };
    return { batchItemFailures: failures };
  };

  const handler = middy<NotifyInput, NotifyResult, Error, LambdaContextLike>(notify)
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics))
    .use(parser({ schema: notifyInputSchema }))
    .use({
      onError: (request) => {
        deps.logger.error('notify invocation failed', {
          reason: request.error instanceof Error ? request.error.message : String(request.error),
        });
      },
    });
  return (event, context) => handler(event as NotifyInput, context);
}
