import {
  type BatchTransport,
  BufferedSink,
  type Clock,
  type MetricsOutbox,
  type MetricsSink,
  parseDuration,
  parseSecretRef,
  type SecretResolver,
  SINK_DEFAULTS,
  type SinkConfig,
  type TimestreamSinkConfig,
} from '@healops/core';
import { EmfSink } from './emf-sink.js';
import { SinkConfigError } from './errors.js';
import { InfluxTransport } from './influx-transport.js';
import { OpenTsdbTransport } from './opentsdb-transport.js';

/** What a runtime (CLI, Lambda) supplies to turn `metrics:` entries into sinks. */
export interface SinkWiring {
  /** The embedded store, used for `type: sqlite`. */
  readonly local?: MetricsSink;
  readonly outbox: MetricsOutbox;
  readonly clock: Clock;
  readonly secrets: SecretResolver;
  /** Where EMF lines go when a sink names no `path` (undefined: stdout, as Lambda wants). */
  readonly emfDefaultPath?: string;
  /** Builds the Timestream transport; injected so only runtimes that use AWS load the AWS SDK. */
  readonly timestream?: (config: TimestreamSinkConfig, timeoutMs: number) => Promise<BatchTransport>;
  readonly onProblem?: (message: string) => void;
}

async function secret(
  wiring: SinkWiring,
  where: string,
  text: string | undefined,
): Promise<string | undefined> {
  if (text === undefined) return undefined;
  try {
    return await wiring.secrets.resolve(parseSecretRef(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SinkConfigError(`${where}: ${reason}`, { cause: error });
  }
}

async function transportFor(
  config: Exclude<SinkConfig, { type: 'sqlite' } | { type: 'emf' }>,
  where: string,
  wiring: SinkWiring,
): Promise<BatchTransport> {
  const timeoutMs = config.timeout ? parseDuration(config.timeout) : SINK_DEFAULTS.timeoutMs;
  switch (config.type) {
    case 'influx':
      return new InfluxTransport({
        url: config.url,
        timeoutMs,
        ...(config.gzip !== undefined ? { gzip: config.gzip } : {}),
        ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
        ...(config.username !== undefined ? { username: config.username } : {}),
        ...optional('token', await secret(wiring, `${where}.token`, config.token)),
        ...optional('password', await secret(wiring, `${where}.password`, config.password)),
      });
    case 'opentsdb':
      return new OpenTsdbTransport({
        url: config.url,
        timeoutMs,
        ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
        ...(wiring.onProblem ? { onDroppedTags: wiring.onProblem } : {}),
      });
    case 'timestream':
      if (!wiring.timestream) throw new SinkConfigError(`${where}: this runtime has no Timestream adapter`);
      return wiring.timestream(config, timeoutMs);
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * Turns the `metrics:` section into sinks: the embedded store as it is, EMF lines straight to their file or stdout,
 * and every remote store behind a BufferedSink, so an outage loses nothing. Names must be unique (they key the
 * buffer and the healops.sink.* metrics); a secret that cannot be resolved fails here, naming the field.
 */
export async function createSinks(
  configs: readonly SinkConfig[],
  wiring: SinkWiring,
): Promise<MetricsSink[]> {
  const sinks: MetricsSink[] = [];
  const names = new Map<string, number>();
  for (const [index, config] of configs.entries()) {
    const where = `metrics[${index}]`;
    const name = 'name' in config && config.name ? config.name : config.type;
    const seen = names.get(name);
    if (seen !== undefined) {
      throw new SinkConfigError(
        `${where}: sink name "${name}" is already used by metrics[${seen}]; give each sink its own name`,
      );
    }
    names.set(name, index);
    try {
      if (config.type === 'sqlite') {
        if (!wiring.local) throw new SinkConfigError(`${where}: this runtime has no embedded SQLite store`);
        sinks.push(wiring.local);
      } else if (config.type === 'emf') {
        const path = config.path ?? wiring.emfDefaultPath;
        sinks.push(
          new EmfSink(
            { ...config, ...(path !== undefined ? { path } : {}) },
            { name, ...(wiring.onProblem ? { onProblem: wiring.onProblem } : {}) },
          ),
        );
      } else {
        sinks.push(
          new BufferedSink({
            name,
            transport: await transportFor(config, where, wiring),
            outbox: wiring.outbox,
            clock: wiring.clock,
            maxBuffer: config.maxBuffer ?? SINK_DEFAULTS.maxBuffer,
            ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
            ...(wiring.onProblem ? { onProblem: wiring.onProblem } : {}),
          }),
        );
      }
    } catch (error) {
      if (error instanceof SinkConfigError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new SinkConfigError(`${where} (${config.type}): ${reason}`, { cause: error });
    }
  }
  return sinks;
}
