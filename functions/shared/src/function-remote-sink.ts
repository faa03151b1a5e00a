import type { Logger } from '@aws-lambda-powertools/logger';
import { METRIC, type MetricPoint, type MetricsSink, type SinkHealth } from '@healops/core';

export interface FunctionRemoteSinkOptions {
  /** The sink's name in the config (logs, healops.sink.* metrics). */
  readonly name: string;
  /** The sink being built at init (its secrets resolving); a rejection leaves it unusable, and says why once. */
  readonly sink: Promise<MetricsSink>;
  /** Where healops.sink.pending and healops.sink.dropped go after every flush (the EMF sink, flushed after this). */
  readonly report?: MetricsSink;
  /** Runner dimension of those points. */
  readonly runner: string;
  /** The longest one flush may take; what it could not send waits in the outbox for the next invocation. */
  readonly flushTimeoutMs: number;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  readonly now: () => Date;
}

/**
 * A remote store (influx, opentsdb, timestream) as a function writes to it: the BufferedSink built from the
 * config, flushed within a deadline at the end of every invocation, its backlog and losses logged and published
 * (through `report`) after each flush. A sink that could not be built (a secret it cannot read) counts every point
 * it is given as dropped. Never throws into the handler.
 */
export class FunctionRemoteSink implements MetricsSink {
  readonly name: string;
  readonly #options: FunctionRemoteSinkOptions;
  readonly #ready: Promise<MetricsSink | undefined>;
  /** Points lost because the sink could not be built, since the last health report. */
  #lost = 0;

  constructor(options: FunctionRemoteSinkOptions) {
    this.name = options.name;
    this.#options = options;
    this.#ready = options.sink.then(
      (sink) => sink,
      (error: unknown) => {
        options.logger.error(`metrics sink ${options.name} cannot be used; its points are dropped`, {
          sink: options.name,
          reason: error instanceof Error ? error.message : String(error),
        });
        return undefined;
      },
    );
  }

  async write(points: readonly MetricPoint[]): Promise<void> {
    const sink = await this.#ready;
    if (sink === undefined) {
      this.#lost += points.length;
      return;
    }
    try {
      await sink.write(points);
    } catch (error) {
      this.#lost += points.length;
      this.#problem('could not queue points', error);
    }
  }

  async flush(signal?: AbortSignal): Promise<void> {
    const sink = await this.#ready;
    const deadline = AbortSignal.timeout(this.#options.flushTimeoutMs);
    try {
      await sink?.flush(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      this.#problem('flush failed', error);
    }
    await this.#report();
  }

  async health(): Promise<SinkHealth> {
    const sink = await this.#ready;
    const inner = (await sink?.health?.()) ?? { pending: 0, dropped: 0 };
    const lost = this.#lost;
    this.#lost = 0;
    return { pending: inner.pending, dropped: inner.dropped + lost };
  }

  /** After a flush: what is still waiting and what was lost, in the log (when not zero) and as metric points. */
  async #report(): Promise<void> {
    try {
      const { pending, dropped } = await this.health();
      if (pending > 0 || dropped > 0) {
        this.#options.logger.warn(`metrics sink ${this.name}: points not delivered by this invocation`, {
          sink: this.name,
          pending,
          dropped,
        });
      }
      const time = this.#options.now().toISOString();
      const dimensions = { runner: this.#options.runner, sink: this.name };
      await this.#options.report?.write([
        { time, name: METRIC.sinkPending, value: pending, unit: 'c', dimensions },
        { time, name: METRIC.sinkDropped, value: dropped, unit: 'c', dimensions },
      ]);
    } catch (error) {
      this.#problem('could not report its health', error);
    }
  }

  #problem(what: string, error: unknown): void {
    this.#options.logger.warn(`metrics sink ${this.name}: ${what}`, {
      sink: this.name,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}
