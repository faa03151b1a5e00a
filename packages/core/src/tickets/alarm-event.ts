import { z } from 'zod';
import { AlarmEventError } from '../errors.js';
import { formatPath } from '../manifest/diagnostics.js';
import { quoteValue } from '../manifest/quote.js';
import { truncate } from './ticket-text.js';

// The EventBridge event CloudWatch sends when an alarm (metric, metric math, anomaly detection or composite) changes
// state: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html. Strict on
// the fields HealOps reads, permissive on the rest: AWS adds fields (alarmTags, actionsSuppressedBy, ...) over time.

export const ALARM_EVENT_SOURCE = 'aws.cloudwatch';
export const ALARM_EVENT_DETAIL_TYPE = 'CloudWatch Alarm State Change';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

/** How much of a bad value an error message shows. */
const QUOTED_VALUE_MAX = 120;

/** `2019-10-02T17:04:40.989+0000` (CloudWatch), `2019-10-02T17:04:40Z` (EventBridge) and `+00:00` offsets. */
const AWS_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** The ISO-8601 UTC form of an AWS event time, or undefined when it is not one. */
export function alarmTimeToIso(text: string): string | undefined {
  const match = AWS_TIME.exec(text);
  if (match === null) return undefined;
  const [, base = '', fraction = '', zone = 'Z'] = match;
  const [year, month, day] = base.slice(0, 10).split('-').map(Number);
  // Date.parse rolls 2019-02-30 over into March: only a real calendar date is a time.
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  if (date.getUTCMonth() + 1 !== month || date.getUTCDate() !== day) return undefined;
  const offset = zone === 'Z' ? zone : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${base}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(truncate(value, QUOTED_VALUE_MAX)) : quoteValue(value);
}

/** An AWS time, normalized to ISO-8601 UTC (`...Z`) so times compare as text and as dates. */
const timeSchema = z.string().transform((text, ctx) => {
  const iso = alarmTimeToIso(text);
  if (iso === undefined) {
    ctx.addIssue({
      code: 'custom',
      input: text,
      message: `invalid time ${quoted(text)} (expected ISO-8601 such as 2019-10-02T17:04:40.989+0000)`,
    });
    return z.NEVER;
  }
  return iso;
});

const alarmStateSchema = z.looseObject({
  value: z.enum(ALARM_STATES),
  reason: z.string(),
  /** JSON text: the datapoints and threshold (metric alarms) or the triggering alarms (composite alarms). */
  reasonData: z.string().optional(),
  timestamp: timeSchema,
});

const alarmMetricSchema = z.looseObject({
  id: z.string(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
  metricStat: z.looseObject({}).optional(),
});

/** Source and detail-type: checked first, so another kind of event gets one clear message. */
const envelopeFields = {
  'detail-type': z.literal(ALARM_EVENT_DETAIL_TYPE),
  source: z.literal(ALARM_EVENT_SOURCE),
};
const envelopeSchema = z.looseObject(envelopeFields);

export const alarmEventSchema = z.looseObject({
  ...envelopeFields,
  version: z.string().optional(),
  id: z.string().min(1),
  account: z.string().regex(/^\d{12}$/, {
    error: (issue) => `invalid AWS account ${quoted(issue.input)} (expected 12 digits)`,
  }),
  time: timeSchema,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, {
    error: (issue) => `invalid AWS region ${quoted(issue.input)} (expected a region code such as us-east-1)`,
  }),
  resources: z.array(z.string()),
  detail: z.looseObject({
    alarmName: z.string().min(1, { error: 'the alarm name must not be empty' }),
    state: alarmStateSchema,
    previousState: alarmStateSchema.optional(),
    configuration: z
      .looseObject({
        description: z.string().optional(),
        /** Composite alarms: the rule over other alarms' states. */
        alarmRule: z.string().optional(),
        metrics: z.array(alarmMetricSchema).optional(),
      })
      .optional(),
    /** Set when the alarm propagates its tags to events. */
    alarmTags: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** A parsed alarm state-change event; times are ISO-8601 UTC. */
export type AlarmEvent = z.output<typeof alarmEventSchema>;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true/false',
  object: 'an object',
  array: 'a list',
};

const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'required field is missing'
        : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${quoted(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'required field is missing';
      return `invalid value ${quoted(issue.input)} (expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')})`;
    default:
      return undefined;
  }
};

/**
 * Parses an EventBridge "CloudWatch Alarm State Change" event: an object, or JSON text (a file, an SQS message
 * body). Throws AlarmEventError naming `source` and every bad field by path with the value found there.
 */
export function parseAlarmEvent(json: unknown, source: string): AlarmEvent {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new AlarmEventError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const envelope = envelopeSchema.safeParse(data, { reportInput: true, error: errorMap });
  if (!envelope.success) throw eventError(source, envelope.error);
  const result = alarmEventSchema.safeParse(data, { reportInput: true, error: errorMap });
  if (!result.success) throw eventError(source, result.error);
  return result.data;
}

/** One line per bad field: `<source>: <path>: <what is wrong, with the value found>`. */
function eventError(source: string, error: z.ZodError): AlarmEventError {
  const lines = error.issues.map((issue) => {
    const path = formatPath(issue.path.map((step) => (typeof step === 'symbol' ? String(step) : step)));
    return `${source}: ${path === '' ? '(event)' : path}: ${issue.message}`;
  });
  return new AlarmEventError([...new Set(lines)].join('\n'), { cause: error });
}
