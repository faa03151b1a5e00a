import { z } from 'zod';
import {
  countSchema,
  durationSchema,
  redactUrl,
  uniqueItemNames,
  urlSchema,
} from '../manifest/field-schemas.js';
import type { MetricFamily } from './names.js';
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

/** A CloudWatch dimension name: 1 to 250 printable ASCII characters, not only spaces, no leading colon, not _aws. */
const emfDimensionNameSchema = z.string().regex(/^(?!:)(?!_aws$)(?=.*[!-~])[ -~]{1,250}$/, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a dimension name: 1 to 250 printable ASCII characters, not starting with a colon, not _aws`,
});

const emfDimensionSetSchema = z
  .array(emfDimensionNameSchema)
  .max(30)
  .superRefine((set, ctx) => {
    set.forEach((key, index) => {
      if (set.indexOf(key) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          input: key,
          message: `${JSON.stringify(key)} is already in this set`,
        });
      }
    });
  })
  .meta({
    description: 'Dimension names; each set makes one CloudWatch metric per metric name and values',
    uniqueItems: true,
  });

/** `full` is the point's own complete dimension set plus the (package, environment) one, as before this option. */
const emfFamilyDimensionsSchema = z.union([
  z
    .string()
    .refine((text) => text === 'full', {
      error: (issue) => `expected full or a list of dimension sets, got ${JSON.stringify(issue.input)}`,
    })
    .meta({ enum: ['full'] }),
  z.array(emfDimensionSetSchema).min(1),
]);

function family(metrics: string) {
  return emfFamilyDimensionsSchema.optional().meta({ description: `Dimension sets of ${metrics}` });
}

/**
 * `dimensions` of an `emf` sink: which dimension sets each metric family gets (each set with its values is one
 * billed CloudWatch metric). `full` (the EmfSink default) keeps every dimension; `lean` keeps `target` only for
 * status and escalations; or sets per family, where unlisted families take `default` (itself default `full`).
 */
export const emfDimensionsSchema = z.union([
  z
    .string()
    .refine((text) => text === 'full' || text === 'lean', {
      error: (issue) => `expected full, lean or sets per family, got ${JSON.stringify(issue.input)}`,
    })
    .meta({ enum: ['full', 'lean'] }),
  z.strictObject({
    default: emfFamilyDimensionsSchema
      .optional()
      .meta({ description: 'Families not listed (default: full)' }),
    status: family('healops.check.status'),
    duration: family('healops.check.duration_ms'),
    perfdata: family('healops.perf.<label>'),
    repair: family('healops.repair and healops.repair.duration_ms'),
    escalation: family('healops.escalation'),
    heartbeat: family('healops.heartbeat'),
    sink: family('healops.sink.pending and healops.sink.dropped'),
    tickets: family('healops.tickets.pending and healops.tickets.dead'),
  } satisfies Record<MetricFamily | 'default', z.ZodType>),
]);

export const emfSinkSchema = z.strictObject({
  type: z.literal('emf'),
  namespace: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'CloudWatch namespace (default HealOps)' }),
  path: z.string().min(1).optional().meta({ description: 'File to append EMF lines to (default: stdout)' }),
  dimensions: emfDimensionsSchema.optional().meta({
    description:
      'CloudWatch dimension sets per metric family: full (default: every dimension), lean (target only for status and escalations) or { family: [[dimension, ...], ...] }',
  }),
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
