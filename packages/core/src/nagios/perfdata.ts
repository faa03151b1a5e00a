import { PerfdataError } from './errors.js';
import { parsePerfNumber, splitLeadingNumber } from './number.js';
import { parseRange } from './range.js';
import { type PerfDatum, type ThresholdRange, UOMS, type Uom } from './types.js';

export interface PerfdataParseResult {
  readonly items: PerfDatum[];
  /** One message per malformed item, naming the item's text. */
  readonly errors: string[];
}

const QUOTE = "'";
const FIELD_NAMES = ['value', 'warn', 'crit', 'min', 'max'] as const;

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/** Index of the first whitespace at or after `from`, or the text's length. */
function tokenEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isSpace(text[i])) {
    i++;
  }
  return i;
}

function itemError(itemText: string, reason: string): string {
  return `perfdata item \`${itemText}\`: ${reason}`;
}

function isUom(text: string): text is Uom {
  return (UOMS as readonly string[]).includes(text);
}

/** Parses `value[UOM]`; a bare `U` means the value could not be determined. */
function parseValue(text: string): { value: number | null; uom: Uom } | string {
  if (text === 'U') {
    return { value: null, uom: '' };
  }
  if (text === '') {
    return 'the value is missing';
  }
  const split = splitLeadingNumber(text);
  if (split === undefined || /[\d.,+-]/.test(split.rest)) {
    return `value '${text}' is not a number or 'U'`;
  }
  if (!isUom(split.rest)) {
    return `unknown unit of measure '${split.rest}' (allowed: ${UOMS.filter((u) => u !== '').join(', ')})`;
  }
  return { value: split.value, uom: split.rest };
}

function parseOptionalRange(name: string, text: string): ThresholdRange | undefined {
  if (text === '') {
    return undefined;
  }
  try {
    return parseRange(text);
  } catch (error) {
    if (error instanceof PerfdataError) {
      throw new PerfdataError(`${name}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function parseOptionalNumber(name: string, text: string): number | undefined {
  if (text === '') {
    return undefined;
  }
  const value = parsePerfNumber(text);
  if (value === undefined) {
    throw new PerfdataError(`${name} '${text}' is not a number`);
  }
  return value;
}

/** Parses what follows `label=`: `value[UOM];[warn];[crit];[min];[max]`, trailing empty fields allowed. */
function parseItem(label: string, data: string): PerfDatum | string {
  if (label === '') {
    return 'the label is empty';
  }
  const fields = data.split(';');
  const extra = fields.slice(FIELD_NAMES.length).find((field) => field !== '');
  if (extra !== undefined) {
    return `too many fields ('${extra}' after min and max)`;
  }
  const [valueText = '', warnText = '', critText = '', minText = '', maxText = ''] = fields;
  const parsed = parseValue(valueText);
  if (typeof parsed === 'string') {
    return parsed;
  }
  try {
    const warn = parseOptionalRange('warn', warnText);
    const crit = parseOptionalRange('crit', critText);
    const min = parseOptionalNumber('min', minText);
    const max = parseOptionalNumber('max', maxText);
    return {
      label,
      value: parsed.value,
      uom: parsed.uom,
      ...(warn === undefined ? {} : { warn }),
      ...(crit === undefined ? {} : { crit }),
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
    };
  } catch (error) {
    if (error instanceof PerfdataError) {
      return error.message;
    }
    throw error;
  }
}

/**
 * Parses Nagios plugin performance data: whitespace-separated `'label'=value[UOM];[warn];[crit];[min];[max]` items.
 * Labels may be single-quoted (then holding spaces and `=`, with `''` for a literal quote); unquoted labels end at
 * `=`. Malformed items are reported in `errors` and skipped; parsing never throws.
 */
export function parsePerfdata(text: string): PerfdataParseResult {
  const items: PerfDatum[] = [];
  const errors: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const itemStart = i;
    let label = '';
    if (text[i] === QUOTE) {
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const ch = text[j];
        if (ch === QUOTE && text[j + 1] === QUOTE) {
          label += QUOTE;
          j += 2;
        } else if (ch === QUOTE) {
          closed = true;
          j++;
          break;
        } else {
          label += ch;
          j++;
        }
      }
      if (!closed) {
        // The label may legitimately hold spaces, so nothing after the opening quote can be trusted.
        errors.push(itemError(text.slice(itemStart).trimEnd(), 'the quoted label is not closed'));
        break;
      }
      if (text[j] !== '=') {
        const end = tokenEnd(text, j);
        errors.push(itemError(text.slice(itemStart, end), "expected '=' right after the quoted label"));
        i = end;
        continue;
      }
      i = j;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '=' && !isSpace(text[j])) {
        j++;
      }
      if (text[j] !== '=') {
        errors.push(itemError(text.slice(itemStart, j), "expected 'label=value'"));
        i = j;
        continue;
      }
      label = text.slice(i, j);
      i = j;
    }
    // text[i] is the '=' that ends the label.
    const end = tokenEnd(text, i + 1);
    const parsed = parseItem(label, text.slice(i + 1, end));
    if (typeof parsed === 'string') {
      errors.push(itemError(text.slice(itemStart, end), parsed));
    } else {
      items.push(parsed);
    }
    i = end;
  }
  return { items, errors };
}
