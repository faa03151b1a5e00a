import { DurationError } from '../errors.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type DurationUnit = keyof typeof UNIT_MS;

/** Units in the order they must appear (largest first), so `1h30m` is valid and `30m1h` is not. */
const UNIT_ORDER: readonly DurationUnit[] = ['d', 'h', 'm', 's', 'ms'];

/** The whole grammar as one regular expression; also published in the JSON schema. */
export const DURATION_PATTERN = '^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?$';

export const DURATION_HINT = 'expected e.g. 500ms, 10s, 5m, 1h';

const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /(\d+)(ms|d|h|m|s)/g;

function durationError(text: string, detail: string, field?: string): DurationError {
  const prefix = field ? `${field}: ` : '';
  return new DurationError(`${prefix}invalid duration ${JSON.stringify(text)} (${detail})`);
}

/**
 * Parses a duration such as `500ms`, `10s`, `5m`, `1h`, `1d` or a combination (`1h30m`) into milliseconds.
 * A bare number is rejected: `10` could mean seconds or minutes.
 */
export function parseDuration(text: string, field?: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    throw durationError(text, `a bare number is ambiguous; add a unit, ${DURATION_HINT}`, field);
  }
  if (!DURATION_RE.test(text)) {
    throw durationError(text, DURATION_HINT, field);
  }
  let total = 0;
  for (const match of text.matchAll(PART_RE)) {
    const amount = Number(match[1]);
    const unit = match[2] as DurationUnit;
    total += amount * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(total)) {
    throw durationError(text, 'too large', field);
  }
  return total;
}

/** Formats milliseconds in the same grammar parseDuration reads: 5400000 → `1h30m`, 0 → `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return String(ms);
  }
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) {
    return '0s';
  }
  let text = ms < 0 ? '-' : '';
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit];
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}
