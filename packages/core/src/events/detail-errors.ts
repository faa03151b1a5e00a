import type { z } from 'zod';
import { formatPath } from '../manifest/diagnostics.js';
import { quoteValue } from '../manifest/quote.js';
import { truncate } from '../tickets/ticket-text.js';
import type { HealOpsDetailType } from './detail-types.js';
import { HealOpsEventError } from './errors.js';

/** How much of a bad value an error message shows. */
const QUOTED_VALUE_MAX = 60;

function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(truncate(value, QUOTED_VALUE_MAX)) : quoteValue(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true/false',
  object: 'an object',
  array: 'a list',
  null: 'null',
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
    case 'too_big':
      if (issue.origin === 'string' && typeof issue.input === 'string')
        return `too long: ${issue.input.length} characters (at most ${issue.maximum})`;
      if (issue.origin === 'array' && Array.isArray(issue.input))
        return `too many items: ${issue.input.length} (at most ${issue.maximum})`;
      return `too large: ${quoted(issue.input)} (at most ${issue.maximum})`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return `too small: ${quoted(issue.input)} (at least ${issue.minimum})`;
    case 'invalid_format':
      return `invalid ${issue.format} ${quoted(issue.input)}`;
    default:
      return undefined;
  }
};

/** One line per bad field: `<detail-type>: detail.<path>: <what is wrong>`. */
export function detailError(detailType: string, error: z.ZodError): HealOpsEventError {
  const lines = error.issues.map((issue) => {
    const steps = issue.path.map((step) => (typeof step === 'symbol' ? String(step) : step));
    const path = formatPath(['detail', ...steps]);
    return `${detailType}: ${path}: ${issue.message}`;
  });
  return new HealOpsEventError([...new Set(lines)].join('\n'), { cause: error });
}

/** `detail` checked against `schema`; throws HealOpsEventError naming each bad field. */
export function checkedDetail<S extends z.ZodType>(
  detailType: HealOpsDetailType,
  schema: S,
  detail: unknown,
): z.output<S> {
  const result = schema.safeParse(detail, { reportInput: true, error: errorMap });
  if (!result.success) throw detailError(detailType, result.error);
  return result.data;
}
