import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  AuditLog,
  BackoffPolicy,
  Clock,
  SecretResolver,
  Severity,
  StateStore,
  TicketImages,
  TicketLinks,
  TicketOutbox,
  TicketRouteConfig,
} from '@healops/core';

/** The store the notify function works on: state (alarm problems), audit trail, ticket outbox and links. */
export interface NotifyStore extends StateStore, AuditLog, TicketOutbox, TicketLinks {}

export interface NotifyDeps {
  /** DynamoStore on AWS. */
  readonly store: NotifyStore;
  /** The bundle's `tickets:` routes. */
  readonly routes: readonly TicketRouteConfig[];
  /** Resolves the routes' secret references (AwsSecretResolver on AWS). */
  readonly secrets: SecretResolver;
  /** Environment named in alarm tickets. */
  readonly environment: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Default: the wall clock. */
  readonly clock?: Clock;
  /** Severity of an alarm that names none (default: applyAlarm's). */
  readonly defaultSeverity?: Severity;
  /**
   * Kept back from the invocation's remaining time when the delivery pass's deadline is set: a send started just
   * before the deadline must finish (with its quick retries) before Lambda stops the function. Default 15 s.
   */
  readonly deadlineMarginMs?: number;
  /** Longest delivery pass, whatever the remaining time (default: no limit but the remaining time). */
  readonly maxPassMs?: number;
  /**
   * Graph images for triggers and updates (CloudWatchTicketImages when HEALOPS_GRAPH_BUCKET is set); without it
   * tickets go out without one.
   */
  readonly images?: TicketImages;
  /** Longest a send waits for its image (default TICKET_IMAGE_DEFAULTS.timeoutMs, 5 s). */
  readonly imageTimeoutMs?: number;
  /** Delivery tuning (tests shorten the quick retries). */
  readonly delivery?: {
    readonly quickTries?: number;
    readonly quickBackoff?: BackoffPolicy;
    readonly backoff?: BackoffPolicy;
  };
}

export const NOTIFY_DEFAULTS = {
  deadlineMarginMs: 15_000,
  /** In-flight sends are aborted this long before the invocation would time out. */
  abortMarginMs: 2_000,
} as const;
