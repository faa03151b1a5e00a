import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import {
  buildEmfDocuments,
  ConfigError,
  EMF_DEFAULT_NAMESPACE,
  type EmfDimensions,
  type EmfDocument,
  type EmfMetricDirective,
  type EmfOptions,
  type EmfSinkConfig,
  emfNamespaceProblem,
  type MetricPoint,
  type MetricsSink,
  type SinkHealth,
} from '@healops/core';

export interface PowertoolsEmfSinkOptions {
  /** Identifies the sink in logs and healops.sink.* metrics (default 'emf'). */
  readonly name?: string;
  /** Powertools service name (default POWERTOOLS_SERVICE_NAME, else 'healops'). */
  readonly serviceName?: string;
  /**
   * Add Powertools' `service` dimension to every dimension set (default false). Off, the service name is written as
   * a plain (metadata) member instead, so the metrics are the very ones the CLI's EMF lines produce (same dimension
   * sets) and one set of alarms watches both; on, every metric also carries `service`, as Powertools does by default.
   */
  readonly serviceDimension?: boolean;
  /** The base sets of `dimensions: full` (default EMF_DIMENSION_SETS of @healops/core). */
  readonly dimensionSets?: ReadonlyArray<readonly string[]>;
  /** Told about every point that cannot be published and every Powertools warning; never throws into the sink. */
  readonly onProblem?: (message: string) => void;
  /** Epoch ms now, for CloudWatch's timestamp window (default Date.now). */
  readonly now?: () => number;
}

/**
 * Limits Powertools Metrics adds to the EMF ones of @healops/core: it refuses more than 29 dimensions per set (the
 * 30th is kept for `service`), and CloudWatch only turns an EMF event into metrics when its timestamp is at most 14
 * days old and at most 2 hours ahead (Powertools warns and publishes anyway; we refuse and count instead).
 */
export const POWERTOOLS_EMF_LIMITS = {
  dimensionsPerSet: 29,
  maxPastAgeMs: 14 * 24 * 60 * 60 * 1000,
  maxFutureAgeMs: 2 * 60 * 60 * 1000,
  /** write() publishes by itself once this many points wait for flush(). */
  pendingPoints: 10_000,
} as const;

const DEFAULT_SERVICE_NAME = 'healops';
/**
 * Powertools warns whenever a key is in two dimension sets, as ours are (package is in every set). Each publish takes
 * every value from one document, so the values are equal and the warning says nothing; every other one is reported.
 */
const OVERLAPPING_SETS_WARNING = /^EMF key "[^"]*" is defined as both a dimension set and dimension set;/;
const SERVICE_KEY = 'service';

/**
 * The Lambda default of `dimensions`: `lean`, the low-cost preset (EMF_LEAN_DIMENSIONS of @healops/core: `target`
 * only on status and escalations). The CLI's EmfSink keeps `full`.
 */
export const POWERTOOLS_EMF_DEFAULT_DIMENSIONS: EmfDimensions = 'lean';

/**
 * MetricsSink for Lambda: HealOps points as CloudWatch Embedded Metric Format, written to stdout by Powertools
 * Metrics. Points wait in memory until flush() (or until POWERTOOLS_EMF_LIMITS.pendingPoints wait); flush() groups
 * them with @healops/core's buildEmfDocuments (one group per timestamp and dimension values, at most 100 metrics,
 * each name once) and publishes each directive of a group's document as one Powertools publish: setTimestamp, one
 * addDimensions per dimension set, addMetadata for every other dimension of the group (kept in the line as a plain
 * member), addMetric per point, publishStoredMetrics. So Powertools never flushes a half group on its own at 100
 * metrics, and names, units, dimension sets and values are the ones the CLI's EmfSink writes with the same
 * `dimensions` (the EmfSink puts all directives of a group in one line; Powertools writes one line per directive).
 *
 * `path` of an `emf` sink config does not apply here: Lambda's log stream is stdout. POWERTOOLS_METRICS_DISABLED
 * (or POWERTOOLS_DEV) silences the output as Powertools documents; such points are not counted as dropped.
 */
export class PowertoolsEmfSink implements MetricsSink {
  readonly name: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly #metrics: Metrics;
  readonly #emf: EmfOptions;
  readonly #serviceDimension: boolean;
  readonly #dimensionLimit: number;
  readonly #onProblem: ((message: string) => void) | undefined;
  readonly #now: () => number;
  #pending: MetricPoint[] = [];
  #dropped = 0;

  /**
   * `config.dimensions` defaults to POWERTOOLS_EMF_DEFAULT_DIMENSIONS (`lean`); `full` publishes what this sink
   * published before the option existed.
   */
  constructor(
    config: Pick<EmfSinkConfig, 'namespace' | 'dimensions'> = {},
    options: PowertoolsEmfSinkOptions = {},
  ) {
    this.name = options.name ?? 'emf';
    this.namespace = config.namespace ?? EMF_DEFAULT_NAMESPACE;
    const problem = emfNamespaceProblem(this.namespace);
    if (problem !== undefined) {
      throw new ConfigError(
        `metrics sink ${this.name}: namespace ${JSON.stringify(this.namespace)} ${problem}`,
      );
    }
    this.#emf = {
      namespace: this.namespace,
      dimensions: config.dimensions ?? POWERTOOLS_EMF_DEFAULT_DIMENSIONS,
      ...(options.dimensionSets !== undefined ? { dimensionSets: options.dimensionSets } : {}),
    };
    try {
      buildEmfDocuments([], this.#emf);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`metrics sink ${this.name}: ${message}`, { cause: error });
    }
    this.serviceName = options.serviceName || process.env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE_NAME;
    this.#serviceDimension = options.serviceDimension ?? false;
    this.#dimensionLimit = POWERTOOLS_EMF_LIMITS.dimensionsPerSet - (this.#serviceDimension ? 1 : 0);
    this.#onProblem = options.onProblem;
    this.#now = options.now ?? Date.now;
    const warn = (...content: unknown[]): void => {
      const text = content.map(String).join(' ');
      if (!OVERLAPPING_SETS_WARNING.test(text)) this.#problem(`Powertools Metrics: ${text}`);
    };
    const ignore = (): void => {};
    this.#metrics = new Metrics({
      namespace: this.namespace,
      serviceName: this.serviceName,
      logger: { debug: ignore, info: ignore, warn, error: warn },
    });
    if (!this.#serviceDimension) this.#metrics.clearDefaultDimensions();
  }

  /** Keeps the points that can be published until flush(); the others are reported and counted as dropped. */
  async write(points: readonly MetricPoint[]): Promise<void> {
    const { rejected } = buildEmfDocuments(points, this.#emf);
    const reasons = new Map(rejected.map(({ index, reason }) => [index, reason]));
    points.forEach((point, index) => {
      const reason = reasons.get(index) ?? this.#powertoolsProblem(point);
      if (reason === undefined) {
        this.#pending.push(point);
      } else {
        this.#drop(1, `point ${index} (${point.name}) cannot be published as EMF: ${reason}`);
      }
    });
    if (this.#pending.length >= POWERTOOLS_EMF_LIMITS.pendingPoints) this.#publishPending();
  }

  /** Publishes every waiting point through Powertools (one EMF document per group). */
  async flush(): Promise<void> {
    this.#publishPending();
  }

  /** `pending`: points waiting for flush(); `dropped`: points refused since the previous call. */
  async health(): Promise<SinkHealth> {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return { pending: this.#pending.length, dropped };
  }

  #publishPending(): void {
    const points = this.#pending;
    this.#pending = [];
    const { documents, rejected } = buildEmfDocuments(points, this.#emf);
    for (const { index, reason } of rejected) {
      this.#drop(1, `point ${points[index]?.name ?? index} cannot be published as EMF: ${reason}`);
    }
    for (const document of documents) {
      for (const directive of document._aws.CloudWatchMetrics) {
        try {
          this.#publish(document, directive);
        } catch (error) {
          const count = directive.Metrics.length;
          const message = error instanceof Error ? error.message : String(error);
          this.#drop(count, `${count} point(s) at ${document._aws.Timestamp} not published: ${message}`);
          this.#metrics.clearMetrics();
          this.#metrics.clearDimensions();
          this.#metrics.clearMetadata();
        }
      }
    }
  }

  /**
   * One directive of a core document (one dimension-value group, at most 100 distinct metrics) as one Powertools
   * publish. Dimensions of the group in none of the directive's sets go in as metadata: plain members of the line.
   */
  #publish(document: EmfDocument, directive: EmfMetricDirective): void {
    const metrics = this.#metrics;
    metrics.setTimestamp(document._aws.Timestamp);
    const inSets = new Set(directive.Dimensions.flat());
    for (const set of directive.Dimensions) {
      metrics.addDimensions(Object.fromEntries(set.map((key) => [key, stringMember(document, key)])));
    }
    for (const [key, value] of Object.entries(document)) {
      if (typeof value === 'string' && !inSets.has(key)) metrics.addMetadata(key, value);
    }
    if (!this.#serviceDimension && !(SERVICE_KEY in document)) {
      metrics.addMetadata(SERVICE_KEY, this.serviceName);
    }
    for (const { Name, Unit } of directive.Metrics) {
      const unit: MetricUnit = Unit;
      metrics.addMetric(Name, unit, numberMember(document, Name));
    }
    metrics.publishStoredMetrics();
  }

  /** What Powertools (or CloudWatch behind it) would refuse in a point the EMF encoder accepts. */
  #powertoolsProblem(point: MetricPoint): string | undefined {
    const keys = Object.keys(point.dimensions);
    if (keys.length > this.#dimensionLimit) {
      return `${point.name} has ${keys.length} dimensions; Powertools Metrics publishes at most ${this.#dimensionLimit}${this.#serviceDimension ? ' besides service' : ''}`;
    }
    if (this.#serviceDimension && keys.includes(SERVICE_KEY)) {
      return `dimension ${SERVICE_KEY} is the Powertools service dimension (serviceDimension is on)`;
    }
    const time = Date.parse(point.time);
    const now = this.#now();
    if (time < now - POWERTOOLS_EMF_LIMITS.maxPastAgeMs) {
      return `time ${point.time} is more than 14 days old; CloudWatch would not record it`;
    }
    if (time > now + POWERTOOLS_EMF_LIMITS.maxFutureAgeMs) {
      return `time ${point.time} is more than 2 hours ahead; CloudWatch would not record it`;
    }
    return undefined;
  }

  #drop(count: number, message: string): void {
    this.#dropped += count;
    this.#problem(message);
  }

  #problem(message: string): void {
    try {
      this.#onProblem?.(`metrics sink ${this.name}: ${message}`);
    } catch {
      // Reporting must never break publishing.
    }
  }
}

function stringMember(document: EmfDocument, key: string): string {
  const value = document[key];
  if (typeof value !== 'string') throw new TypeError(`EMF document has no string member ${key}`);
  return value;
}

function numberMember(document: EmfDocument, key: string): number {
  const value = document[key];
  if (typeof value !== 'number') throw new TypeError(`EMF document has no number member ${key}`);
  return value;
}
