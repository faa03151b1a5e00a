import { AwsSecretResolver, TimestreamTransport } from '@healops/aws';
import type {
  DeployedSinkConfig,
  MetricsOutbox,
  MetricsSink,
  SecretResolver,
  TimestreamSinkConfig,
} from '@healops/core';
import { SystemClock } from '@healops/local';
import { createSinks, SinkConfigError } from '@healops/sinks';

// Loaded through import() by function-sinks.ts, only when the deployment has a remote sink: with the functions
// bundled in chunks, the Secrets Manager, SSM Parameters and Timestream clients stay out of every other cold start.

export interface RemoteSinkWiring {
  readonly outbox: MetricsOutbox;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default: AwsSecretResolver (Powertools Parameters) reading `env:` references from `env`. */
  readonly secrets?: SecretResolver;
  readonly onProblem: (message: string) => void;
}

function timestreamTransport(config: TimestreamSinkConfig, timeoutMs: number): Promise<TimestreamTransport> {
  return Promise.resolve(
    new TimestreamTransport({
      database: config.database,
      table: config.table,
      timeoutMs,
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.batchSize ? { batchSize: config.batchSize } : {}),
    }),
  );
}

/** One deployed sink as createSinks builds it (a BufferedSink on `outbox`), its secrets resolved now. */
export async function createRemoteSink(
  config: DeployedSinkConfig,
  wiring: RemoteSinkWiring,
): Promise<MetricsSink> {
  const [sink] = await createSinks([config], {
    outbox: wiring.outbox,
    clock: new SystemClock(),
    secrets: wiring.secrets ?? new AwsSecretResolver({ env: wiring.env }),
    timestream: timestreamTransport,
    onProblem: wiring.onProblem,
  });
  if (sink === undefined) throw new SinkConfigError(`no sink was built for ${config.name ?? config.type}`);
  return sink;
}
