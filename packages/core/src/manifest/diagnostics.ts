/**
 * Turns zod issues into Diagnostics that point at the offending YAML node (line:col) and say, in words, which field
 * is wrong and what value it holds.
 */
import { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import type { IssuePath } from './manifest-rules.js';
import { quoteValue } from './quote.js';
import { closest } from './suggest.js';
import type { PositionTarget, YamlSource } from './yaml-source.js';

/** `['checks', 0, 'timeout']` → `checks[0].timeout`. */
export function formatPath(path: IssuePath): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') {
      text += `[${step}]`;
    } else if (/^[A-Za-z0-9_-]+$/.test(step)) {
      text += text === '' ? step : `.${step}`;
    } else {
      text += `[${JSON.stringify(step)}]`;
    }
  }
  return text;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true/false',
  object: 'a mapping',
  array: 'a list',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function sizeMessage(issue: z.core.$ZodRawIssue, bound: 'at least' | 'at most'): string {
  const limit = Number('minimum' in issue ? issue.minimum : 'maximum' in issue ? issue.maximum : Number.NaN);
  const origin = 'origin' in issue ? issue.origin : '';
  if (origin === 'array') {
    return `must list ${bound} ${limit} item${limit === 1 ? '' : 's'}`;
  }
  if (origin === 'string') {
    return limit === 1 && bound === 'at least'
      ? 'must not be empty'
      : `must be ${bound} ${limit} characters long`;
  }
  return `must be ${bound} ${limit} (got ${quoteValue(issue.input)})`;
}

/** Default wording for zod's own issue codes; messages set on a schema take precedence. */
function errorMap(knownKeys: WeakMap<object, readonly string[]>): z.core.$ZodErrorMap {
  return (issue) => {
    switch (issue.code) {
      case 'invalid_type': {
        const hint =
          issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')
            ? ` (quote it: "${String(issue.input)}")`
            : '';
        return `expected ${typeName(issue.expected)}, got ${quoteValue(issue.input)}${hint}`;
      }
      case 'too_small':
        return sizeMessage(issue, 'at least');
      case 'too_big':
        return sizeMessage(issue, 'at most');
      case 'invalid_value':
        return `invalid value ${quoteValue(issue.input)} (expected one of: ${issue.values.map(String).join(', ')})`;
      case 'invalid_format':
        return `invalid ${issue.format} ${quoteValue(issue.input)}`;
      case 'unrecognized_keys':
        if (issue.inst instanceof z.ZodObject && typeof issue.input === 'object' && issue.input !== null) {
          knownKeys.set(issue.input, Object.keys(issue.inst.shape));
        }
        return 'unknown field';
      default:
        return undefined;
    }
  };
}

interface Located {
  readonly path: IssuePath;
  readonly target: PositionTarget;
  readonly message: string;
}

function unionExpectation(issue: z.core.$ZodIssueInvalidUnion, path: IssuePath): Located {
  const expected = issue.errors
    .flat()
    .filter((i) => i.code === 'invalid_type' && i.path.length === 0)
    .map((i) => typeName((i as z.core.$ZodIssueInvalidType).expected));
  const list =
    expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}` : expected[0];
  return {
    path,
    target: 'value',
    message: `expected ${list ?? 'another value'}, got ${quoteValue(issue.input)}`,
  };
}

function locateIssue(
  issue: z.core.$ZodIssue,
  prefix: IssuePath,
  knownKeys: WeakMap<object, readonly string[]>,
): Located[] {
  const path = [...prefix, ...issue.path.map((step) => (typeof step === 'symbol' ? String(step) : step))];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = typeof issue.input === 'object' && issue.input ? knownKeys.get(issue.input) : undefined;
        const guess = known ? closest(key, known) : undefined;
        const suggestion = guess ? ` (did you mean "${guess}"?)` : '';
        return {
          path: [...path, key],
          target: 'key',
          message: `unknown field ${JSON.stringify(key)}${suggestion}`,
        };
      });
    case 'invalid_union': {
      // When the value had the shape of one alternative (a mapping for `flap`), report that alternative's problems.
      const deep = issue.errors.filter((branch) =>
        branch.some((i) => i.path.length > 0 || i.code !== 'invalid_type'),
      );
      const [only] = deep;
      return deep.length === 1 && only
        ? only.flatMap((i) => locateIssue(i, path, knownKeys))
        : [unionExpectation(issue, path)];
    }
    case 'invalid_key':
      return [{ path, target: 'key', message: issue.issues.map((i) => i.message).join('; ') }];
    case 'invalid_type':
      if (issue.input === undefined) {
        const field = path.at(-1);
        return [
          { path, target: 'parent', message: `missing required field ${JSON.stringify(String(field))}` },
        ];
      }
      return [{ path, target: 'value', message: issue.message }];
    default:
      return [{ path, target: 'value', message: issue.message }];
  }
}

/** Validates `source.data` with `schema`; every problem becomes a positioned Diagnostic, sorted by position. */
export function validateSource<T>(
  schema: z.ZodType<T>,
  source: YamlSource,
): { value?: T; diagnostics: Diagnostic[] } {
  const knownKeys = new WeakMap<object, readonly string[]>();
  const result = schema.safeParse(source.data, { reportInput: true, error: errorMap(knownKeys) });
  if (result.success) {
    return { value: result.data, diagnostics: [] };
  }
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const located of result.error.issues.flatMap((issue) => locateIssue(issue, [], knownKeys))) {
    const path = formatPath(located.path);
    const key = `${path}\n${located.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      diagnostics.push({
        file: source.file,
        ...source.position(located.path, located.target),
        path,
        message: located.message,
      });
    }
  }
  return { diagnostics: sortDiagnostics(diagnostics) };
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
