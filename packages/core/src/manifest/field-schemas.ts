import { z } from 'zod';
import { PLATFORMS, SEVERITIES } from '../model/status.js';
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from './duration.js';
import { maintenanceCronProblem, timezoneProblem } from './maintenance.js';
import { PARAM_NAME_PATTERN } from './placeholders.js';
import { quoteValue } from './quote.js';
import { parseSchedule, SCHEDULE_HINT, SCHEDULE_PATTERN } from './schedule.js';
import { scriptPathProblem } from './script-path.js';

/** Package names: lowercase letters, digits and `-`, starting with a letter, 1..64 characters. */
export const PACKAGE_NAME_PATTERN = '^[a-z][a-z0-9-]{0,63}$';
/** Check and stats names: lowercase letters, digits and `-`, starting with a letter or digit, 1..64 characters. */
export const JOB_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
export const ENVIRONMENT_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** Semantic Versioning 2.0.0 (the regular expression semver.org recommends). */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

function patterned(pattern: string, what: string, rule: string) {
  return z
    .string()
    .regex(new RegExp(pattern), { error: (issue) => `invalid ${what} ${quoteValue(issue.input)} (${rule})` });
}

export const packageNameSchema = patterned(
  PACKAGE_NAME_PATTERN,
  'name',
  'lowercase letters, digits and "-", starting with a letter, at most 64 characters',
);
export const jobNameSchema = patterned(
  JOB_NAME_PATTERN,
  'name',
  'lowercase letters, digits and "-", starting with a letter or digit, at most 64 characters',
);
export const paramNameSchema = patterned(
  PARAM_NAME_PATTERN,
  'parameter name',
  'lowercase letters, digits and "_", starting with a letter',
);
export const environmentSchema = patterned(
  ENVIRONMENT_PATTERN,
  'environment',
  'letters, digits, ".", "_" and "-", at most 64 characters',
);
export const versionSchema = patterned(
  SEMVER_PATTERN,
  'version',
  'expected a semantic version such as 1.0.0',
);

/**
 * An http(s) URL with a host. Hosts without a dot (localhost, a compose/Kubernetes service name), IPv4 and [IPv6]
 * literals are fine: stores on this machine or a private network are normal.
 */
/** A URL as it may appear in a message, with the user:password@ part masked so a mistyped secret is not echoed. */
export function redactUrl(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\/\/[^/@\s]*@/, '//***@') : value;
}

export const urlSchema = z
  .string({
    error: (issue) =>
      `invalid URL ${quoteValue(redactUrl(issue.input))} (expected an http:// or https:// URL)`,
  })
  .refine(
    (text) => {
      if (!URL.canParse(text)) return false;
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    },
    {
      error: (issue) =>
        `invalid URL ${quoteValue(redactUrl(issue.input))} (expected an http:// or https:// URL)`,
    },
  )
  .meta({ format: 'uri', pattern: '^https?://' });

export const platformSchema = z.enum(PLATFORMS);
export const severitySchema = z.enum(SEVERITIES);
export const failOnSchema = z.enum(['critical', 'warning']);

export function countSchema(min: number, max: number) {
  return z.int().min(min).max(max);
}

/** A duration string, checked with parseDuration; `positive` rejects `0s`. */
export function durationSchema(description: string, options: { positive: boolean }) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `invalid duration ${issue.input}: a bare number is ambiguous (${DURATION_HINT})`
          : undefined,
    })
    .superRefine((text, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', input: text, message: (error as Error).message });
        return;
      }
      if (options.positive && ms === 0) {
        ctx.addIssue({
          code: 'custom',
          input: text,
          message: `duration ${quoteValue(text)} must be greater than 0`,
        });
      }
    })
    .meta({ description, pattern: DURATION_PATTERN, examples: ['500ms', '10s', '5m', '1h30m'] });
}

export const scheduleSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parseSchedule(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', input: text, message: (error as Error).message });
    }
  })
  .meta({
    description: `EventBridge Scheduler expression: ${SCHEDULE_HINT}`,
    pattern: SCHEDULE_PATTERN,
    examples: ['rate(1 minute)', 'rate(5 minutes)', 'cron(0 2 ? * SUN *)'],
  });

export const scriptSchema = z
  .string()
  .superRefine((text, ctx) => {
    const problem = scriptPathProblem(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', input: text, message: problem });
    }
  })
  .meta({ description: 'Path of an executable file inside the package, relative to healops.yaml' });

export const commandSchema = z
  .array(z.string())
  .min(1, { error: 'command must list at least the program to run' })
  .superRefine((argv, ctx) => {
    if (argv[0] !== undefined && argv[0].trim() === '') {
      ctx.addIssue({
        code: 'custom',
        input: argv[0],
        path: [0],
        message: 'the program (first item) must not be empty',
      });
    }
  })
  .meta({
    description:
      'Program and arguments run on the target, e.g. [/usr/lib/nagios/plugins/check_tcp, -H, 127.0.0.1]. ' +
      `\${params.<name>} is replaced by a parameter value; $\${ is a literal \${.`,
  });

export const cronSchema = z
  .string()
  .superRefine((text, ctx) => {
    const problem = maintenanceCronProblem(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', input: text, message: problem });
    }
  })
  .meta({ description: 'Standard 5-field cron expression (minute hour day-of-month month day-of-week)' });

export const timezoneSchema = z
  .string()
  .superRefine((text, ctx) => {
    const problem = timezoneProblem(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', input: text, message: problem });
    }
  })
  .meta({ description: 'IANA time zone of the cron expression (default UTC)', examples: ['Europe/Berlin'] });

/** A parameter value as written in YAML; numbers and booleans become strings. */
export const paramValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A superRefine for a list whose items are keyed by `name` (default: their `type`), e.g. metrics sinks and ticket
 * routes: a second item with a name already taken is an issue on that item.
 */
export function uniqueItemNames(section: string, noun: string) {
  return (
    items: ReadonlyArray<{ readonly type: string; readonly name?: string | undefined }>,
    ctx: z.RefinementCtx,
  ) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const name = item.name ?? item.type;
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, index);
        return;
      }
      ctx.addIssue({
        code: 'custom',
        path: item.name ? [index, 'name'] : [index],
        input: name,
        message: `${noun} name "${name}" is already used by ${section}[${first}]; give each ${noun.split(' ').at(-1)} its own name`,
      });
    });
  };
}
