import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import {
  type BackoffPolicy,
  checkHealOpsEvent,
  EVENT_LIMITS,
  EventPublishError,
  type EventPublisher,
  type FailedEventEntry,
  HEALOPS_EVENT_SOURCE,
  type HealOpsEvent,
  jitterFactor,
  putEventsBatches,
  putEventsEntrySize,
  retryWait,
} from '@healops/core';

export interface EventBridgePublisherOptions {
  /** Name or ARN of the HealOps event bus. */
  readonly eventBusName: string;
  /** Default: the SDK's (AWS_REGION, profile). */
  readonly region?: string;
  /** Endpoint override (tests, VPC endpoints). */
  readonly endpoint?: string;
  /** Per HTTP attempt (connect + response), default 10 s. */
  readonly timeoutMs?: number;
  /**
   * SDK attempts per PutEvents call, first included (default 3). The client uses the SDK's adaptive retry mode
   * (AdaptiveRetryStrategy): throttling and 5xx answers of a whole call are retried with exponential backoff, and a
   * client-side rate limiter slows the calls that follow a throttle.
   */
  readonly maxAttempts?: number;
  /** Extra rounds for entries EventBridge answered with a retryable ErrorCode (default 3). */
  readonly entryRetries?: number;
  /** Wait before each such round: doubling from baseMs up to maxMs, with jitter (default 200 ms .. 5 s). */
  readonly backoff?: BackoffPolicy;
  /** [0, 1) random source of the jitter (default Math.random). */
  readonly random?: () => number;
  /** How to wait between rounds (default a timer); resolves early when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A request's total entry size stays under this (default 256 KiB, the PutEvents limit). */
  readonly requestBytes?: number;
  /** Anything else for the SDK client (credentials, requestHandler, logger); wins over the fields above. */
  readonly clientConfig?: EventBridgeClientConfig;
  /** An existing client (a Lambda's module-scope client); the fields above that configure a client are ignored. */
  readonly client?: EventBridgeClient;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_ENTRY_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000 };

/** Entry error codes AWS documents as not retryable: sending the entry again cannot help. */
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
  'EntryTooLarge',
]);

/** Errors of a whole call whose message may quote the request: only their name is reported. */
const QUIET_ERRORS: ReadonlySet<string> = new Set(['ValidationException', 'SerializationException']);

interface Pending {
  readonly event: HealOpsEvent;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

interface Refused {
  readonly pending: Pending;
  readonly errorCode: string;
}

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function failedEntry({ pending, errorCode }: Refused): FailedEventEntry {
  return { detailType: pending.event.detailType, dedupKey: pending.event.detail.dedupKey, errorCode };
}

/** `HealOps Check Failed: InternalFailure ×2, HealOps Escalated: MalformedDetail` */
function summarize(failed: readonly FailedEventEntry[]): string {
  const counts = new Map<string, number>();
  for (const f of failed) {
    const key = `${f.detailType}: ${f.errorCode}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => (n > 1 ? `${key} ×${n}` : key)).join(', ');
}

function callError(error: unknown): { readonly name: string; readonly text: string } {
  if (!(error instanceof Error)) return { name: 'Error', text: 'Error' };
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const http = typeof status === 'number' ? ` (HTTP ${status})` : '';
  if (QUIET_ERRORS.has(error.name)) return { name: error.name, text: `${error.name}${http}` };
  const message = error.message.length > 200 ? `${error.message.slice(0, 199)}…` : error.message;
  return { name: error.name, text: `${error.name}${http}: ${message}` };
}

/**
 * Publishes HealOps events to an EventBridge bus with PutEvents: source `healops`, the detail-type, the detail as
 * JSON and its `time` as the entry Time. Requests hold at most 10 entries and a total entry size under 256 KiB
 * (computed as AWS documents it). Entries answered with a retryable ErrorCode (FailedEntryCount > 0) are sent again,
 * alone, after a backoff with jitter, up to `entryRetries` times; what still fails is reported in one
 * EventPublishError listing each event's detail-type, dedup key and error code — never its detail. A whole call that
 * fails (after the SDK's adaptive retries) stops the publish with an EventPublishError listing every event not sent.
 */
export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #options: EventBridgePublisherOptions;
  readonly #limits: { readonly entriesPerRequest: number; readonly requestBytes: number };

  constructor(options: EventBridgePublisherOptions) {
    this.#options = options;
    this.#limits = {
      entriesPerRequest: EVENT_LIMITS.entriesPerRequest,
      requestBytes: options.requestBytes ?? EVENT_LIMITS.requestBytes,
    };
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#client =
      options.client ??
      new EventBridgeClient({
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        retryMode: 'adaptive',
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        // Without throwOnRequestTimeout the SDK's handler only logs a warning when requestTimeout passes.
        requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
        ...options.clientConfig,
      });
  }

  async publish(events: readonly HealOpsEvent[], signal?: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const refused: Refused[] = [];
    let pending: Pending[] = [];
    for (const event of events) {
      const item = this.#pending(checkHealOpsEvent(event));
      if (item.size >= this.#limits.requestBytes) refused.push({ pending: item, errorCode: 'EntryTooLarge' });
      else pending.push(item);
    }
    const retries = this.#options.entryRetries ?? DEFAULT_ENTRY_RETRIES;
    let round = 0;
    for (;;) {
      round += 1;
      const failed = await this.#sendRound(pending, refused, events.length, signal);
      const retryable = failed.filter((f) => !PERMANENT_CODES.has(f.errorCode));
      refused.push(...failed.filter((f) => PERMANENT_CODES.has(f.errorCode)));
      if (retryable.length === 0) break;
      if (round > retries || signal?.aborted) {
        refused.push(...retryable);
        break;
      }
      const jitter = jitterFactor(this.#options.random ?? Math.random);
      await (this.#options.sleep ?? timerSleep)(
        retryWait(round, this.#options.backoff ?? DEFAULT_BACKOFF, undefined, jitter),
        signal,
      );
      pending = retryable.map((f) => f.pending);
    }
    if (refused.length > 0) {
      const failed = refused.map(failedEntry);
      throw new EventPublishError(
        `${this.#where()}: ${failed.length} of ${events.length} events not published after ${round} ${round === 1 ? 'try' : 'tries'}: ${summarize(failed)}`,
        failed,
      );
    }
  }

  /** Closes the SDK's HTTP connections (not those of a client passed in). */
  destroy(): void {
    if (this.#options.client === undefined) this.#client.destroy();
  }

  #pending(event: HealOpsEvent): Pending {
    const entry: PutEventsRequestEntry = {
      EventBusName: this.#options.eventBusName,
      Source: HEALOPS_EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.detail.time),
    };
    return {
      event,
      entry,
      size: putEventsEntrySize({
        Source: HEALOPS_EVENT_SOURCE,
        DetailType: event.detailType,
        Detail: entry.Detail ?? '',
        Time: entry.Time ?? new Date(0),
      }),
    };
  }

  /** Sends `pending` in request-sized batches; returns the entries answered with an ErrorCode. */
  async #sendRound(
    pending: readonly Pending[],
    refused: readonly Refused[],
    total: number,
    signal: AbortSignal | undefined,
  ): Promise<Refused[]> {
    const failed: Refused[] = [];
    const batches = putEventsBatches(pending, (p) => p.size, this.#limits);
    for (const [index, batch] of batches.entries()) {
      let results: readonly PutEventsResultEntry[];
      try {
        const output = await this.#client.send(
          new PutEventsCommand({ Entries: batch.map((p) => p.entry) }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        results = output.Entries ?? [];
        if ((output.FailedEntryCount ?? 0) > 0 && results.length !== batch.length) {
          // Cannot tell which entries failed: count them all as failed (EventBridge dedups nothing, but a
          // duplicate is better than a loss; consumers are idempotent on idempotencyKey).
          results = batch.map(() => ({ ErrorCode: 'InternalFailure' }));
        }
      } catch (error) {
        const { name, text } = callError(error);
        const unsent = batches.slice(index).flat();
        const lost = [...refused, ...failed, ...unsent.map((p) => ({ pending: p, errorCode: name }))].map(
          failedEntry,
        );
        throw new EventPublishError(
          `${this.#where()}: PutEvents failed (${text}); ${lost.length} of ${total} events not published: ${summarize(lost)}`,
          lost,
          { cause: error },
        );
      }
      for (const [i, result] of results.entries()) {
        const item = batch[i];
        if (item !== undefined && result.ErrorCode !== undefined && result.ErrorCode !== '')
          failed.push({ pending: item, errorCode: result.ErrorCode });
      }
    }
    return failed;
  }

  #where(): string {
    const { eventBusName, endpoint, region } = this.#options;
    const at = endpoint !== undefined ? ` at ${endpoint}` : region !== undefined ? ` in ${region}` : '';
    return `EventBridge bus ${eventBusName}${at}`;
  }
}
