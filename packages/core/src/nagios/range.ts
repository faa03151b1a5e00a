import { PerfdataError } from './errors.js';
import { parsePerfNumber } from './number.js';
import type { ThresholdRange } from './types.js';

/**
 * Parses a threshold range as the monitoring-plugins development guidelines define it:
 * `10` = 0..10, `10:` = 10..+inf, `~:10` = -inf..10, `10:20`, and a leading `@` to alert INSIDE the range.
 * An empty start means 0 (`:10`), an empty end means +inf. Decimal commas are read as decimal points.
 * Surrounding whitespace is ignored; `text` keeps the trimmed text.
 * @throws PerfdataError when the text is not a range or its start is greater than its end.
 */
export function parseRange(text: string): ThresholdRange {
  const written = text.trim();
  const fail = (reason: string): PerfdataError =>
    new PerfdataError(`invalid threshold range '${written}': ${reason}`);
  const inside = written.startsWith('@');
  const body = inside ? written.slice(1) : written;
  if (body === '') {
    throw fail('it is empty');
  }
  const colon = body.indexOf(':');
  const startText = colon === -1 ? '' : body.slice(0, colon);
  const endText = colon === -1 ? body : body.slice(colon + 1);
  if (startText === '' && endText === '') {
    throw fail('neither start nor end is given');
  }
  const start =
    startText === '~' ? Number.NEGATIVE_INFINITY : startText === '' ? 0 : parsePerfNumber(startText);
  if (start === undefined) {
    throw fail(`start '${startText}' is not a number or '~'`);
  }
  const end = endText === '' ? Number.POSITIVE_INFINITY : parsePerfNumber(endText);
  if (end === undefined) {
    throw fail(
      endText === '~'
        ? "'~' means negative infinity and may only start a range"
        : `'${endText}' is not a number`,
    );
  }
  if (start > end) {
    throw fail(`start ${start} is greater than end ${end}`);
  }
  return { start, end, inside, text: written };
}

/**
 * True when `value` should raise the alert: outside the range (endpoints excluded from alerting) for a plain range,
 * inside it (endpoints included) for an `@` range. NaN never alerts.
 */
export function rangeAlerts(range: ThresholdRange, value: number): boolean {
  if (Number.isNaN(value)) {
    return false;
  }
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}
