import type { Logger } from '@aws-lambda-powertools/logger';
import {
  AWS_HEARTBEAT_RUNNER,
  type DeployedSinkConfig,
  type DeploymentBundle,
  type MetricsSink,
  type SecretResolver,
} from '@healops/core';
import { SystemClock } from '@healops/local';
import { emfSinkFromEnv } from './emf-sink.js';
import { FunctionRemoteSink } from './function-remote-sink.js';
import { MemoryOutbox } from './memory-outbox.js';

type FunctionEnv = Readonly<Record<string, string | undefined>>;

export const FUNCTION_SINK_DEFAULTS = {
  /** Points a remote sink keeps in memory when its config sets no maxBuffer (the CLI default is for a disk). */
  maxBuffer: 20_000,
  /** Longest flush of one remote sink at the end of an invocation. */
  flushTimeoutMs: 8_000,
  /** Name of the sink on the table the stack created (`timestream` unless the config uses that name). */
  timestreamName: 'timestream',
} as const;

export interface FunctionSinksOptions {
  /** Resolves the sinks' secret references (default: AwsSecretResolver, Powertools Parameters). */
  readonly secrets?: SecretResolver;
  readonly flushTimeoutMs?: number;
}

/**
 * The remote sinks a function writes to: the bundle's `metrics` (influx, opentsdb, timestream as the config names
 * them), plus a timestream sink on HEALOPS_TIMESTREAM_DATABASE / HEALOPS_TIMESTREAM_TABLE (the table the stack's
 * `timestream` option created) when the bundle names none.
 */
export function deployedSinkConfigs(bundle: DeploymentBundle, env: FunctionEnv): DeployedSinkConfig[] {
  const configs = [...(bundle.metrics ?? [])];
  const database = env.HEALOPS_TIMESTREAM_DATABASE;
  const table = env.HEALOPS_TIMESTREAM_TABLE;
  if (database && table && !configs.some((c) => c.type === 'timestream')) {
    const taken = configs.some((c) => (c.name ?? c.type) === FUNCTION_SINK_DEFAULTS.timestreamName);
    configs.push({
      type: 'timestream',
      database,
      table,
      ...(taken ? { name: `healops-${FUNCTION_SINK_DEFAULTS.timestreamName}` } : {}),
    });
  }
  return configs;
}

/**
 * The metrics sinks of the check and repair functions: every deployed remote sink (deployedSinkConfigs), each a
 * BufferedSink on an in-memory outbox, built at init (secrets resolved then) and flushed within a deadline at the
 * end of every invocation; then EMF (emfSinkFromEnv), last, so it publishes the remote sinks' healops.sink.pending
 * and healops.sink.dropped of the same invocation. A remote sink never throws into the handler.
 */
export function functionSinksFromEnv(
  bundle: DeploymentBundle,
  env: FunctionEnv,
  serviceName: string,
  logger: Logger,
  options: FunctionSinksOptions = {},
): MetricsSink[] {
  const emf = emfSinkFromEnv(env, serviceName, logger);
  const configs = deployedSinkConfigs(bundle, env);
  if (configs.length === 0) return [emf];
  const clock = new SystemClock();
  const wiring = {
    outbox: new MemoryOutbox(),
    env,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    onProblem: (message: string) => logger.warn(message),
  };
  const factory = import('./remote-sink-factory.js');
  const remote = configs.map((config) => {
    const name = config.name ?? config.type;
    const buffered = { ...config, maxBuffer: config.maxBuffer ?? FUNCTION_SINK_DEFAULTS.maxBuffer };
    return new FunctionRemoteSink({
      name,
      sink: factory.then(({ createRemoteSink }) => createRemoteSink(buffered, wiring)),
      report: emf,
      runner: AWS_HEARTBEAT_RUNNER,
      flushTimeoutMs: options.flushTimeoutMs ?? FUNCTION_SINK_DEFAULTS.flushTimeoutMs,
      logger,
      now: () => clock.now(),
    });
  });
  return [...remote, emf];
}
