import { z } from 'zod';
import {
  countSchema,
  durationSchema,
  redactUrl,
  uniqueItemNames,
  urlSchema,
} from '../manifest/field-schemas.js';
import { secretRefSchema } from './secret-ref.js';

const SINK_NAME_PATTERN = '^[a-z][a-z0-9-]{0,63}$';

/** Fields every remote sink takes: a name (for health metrics and the buffer), buffering and request limits. */
const remoteFields = {
  name: z
    .string()
    .regex(new RegExp(SINK_NAME_PATTERN), { error: 'a sink name is lowercase letters, digits and dashes' })
    .optional()
    .meta({
      description: 'Identifies the sink in healops.sink.* metrics and its buffer (default: its type)',
    }),
  maxBuffer: countSchema(1, 10_000_000).optional().meta({
    description: 'Points kept while the store is unreachable; the oldest are dropped (and counted) beyond it',
  }),
  batchSize: countSchema(1, 50_000).optional().meta({ description: 'Points per request' }),
  timeout: durationSchema('Request timeout', { positive: true }).optional(),
};

export const sqliteSinkSchema = z.strictObject({ type: z.literal('sqlite') });

export const timestreamSinkSchema = z.strictObject({
  type: z.literal('timestream'),
  database: z.string().min(3).max(256),
  table: z.string().min(3).max(256),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region like eu-west-1' })
    .optional(),
  endpoint: urlSchema.optional().meta({ description: 'Endpoint override (tests, VPC endpoints)' }),
  ...remoteFields,
  batchSize: countSchema(1, 100)
    .optional()
    .meta({ description: 'Records per WriteRecords call (at most 100)' }),
});

/** Query parameters that carry credentials in InfluxDB 1.x / VictoriaMetrics write URLs. */
const CREDENTIAL_PARAMS = ['u', 'p', 'password', 'token', 'authorization'];

/** A store URL must not carry secrets: they would be logged with it. Credentials go in env: references. */
const secretFreeUrl = urlSchema.superRefine((text, ctx) => {
  if (!URL.canParse(text)) return;
  const url = new URL(text);
  const params = [...url.searchParams.keys()].filter((k) => CREDENTIAL_PARAMS.includes(k.toLowerCase()));
  if (url.username !== '' || url.password !== '' || params.length > 0) {
    ctx.addIssue({
      code: 'custom',
      input: redactUrl(text),
      message: `credentials must not be written in the URL (${url.username || url.password ? 'user:password@' : params.join(', ')}); use username + password: env:NAME, or token: env:NAME`,
    });
  }
});

export const influxSinkSchema = z.strictObject({
  type: z.literal('influx'),
  url: secretFreeUrl.meta({
    description: 'Write endpoint with its query, e.g. https://host:8086/api/v2/write?bucket=healops&org=ops',
  }),
  token: secretRefSchema.optional().meta({ description: 'Sent as "Authorization: Token <value>"' }),
  username: z.string().min(1).optional(),
  password: secretRefSchema.optional(),
  gzip: z.boolean().optional(),
  ...remoteFields,
});

export const opentsdbSinkSchema = z.strictObject({
  type: z.literal('opentsdb'),
  url: secretFreeUrl.meta({ description: 'Base URL; points go to <url>/api/put' }),
  ...remoteFields,
});

export const emfSinkSchema = z.strictObject({
  type: z.literal('emf'),
  namespace: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'CloudWatch namespace (default HealOps)' }),
  path: z.string().min(1).optional().meta({ description: 'File to append EMF lines to (default: stdout)' }),
});

export const sinkConfigSchema = z.discriminatedUnion('type', [
  sqliteSinkSchema,
  timestreamSinkSchema,
  influxSinkSchema,
  opentsdbSinkSchema,
  emfSinkSchema,
]);

export type SinkConfig = z.output<typeof sinkConfigSchema>;
export type TimestreamSinkConfig = z.output<typeof timestreamSinkSchema>;
export type InfluxSinkConfig = z.output<typeof influxSinkSchema>;
export type OpentsdbSinkConfig = z.output<typeof opentsdbSinkSchema>;
export type EmfSinkConfig = z.output<typeof emfSinkSchema>;

/** The `metrics:` list: sink names (default: the type) key the buffer and the healops.sink.* metrics, so unique. */
export const sinkListSchema = z.array(sinkConfigSchema).superRefine(uniqueItemNames('metrics', 'sink'));

/** Default when a config has no `metrics:` section: the embedded store only. */
export const DEFAULT_SINKS: readonly SinkConfig[] = [{ type: 'sqlite' }];

export const SINK_DEFAULTS = {
  maxBuffer: 100_000,
  timeoutMs: 10_000,
  batchSize: { timestream: 100, influx: 5_000, opentsdb: 50 },
} as const;
