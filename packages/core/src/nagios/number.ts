/**
 * A plain decimal number as plugins print it: optional sign, digits with an optional fraction, optional exponent.
 * A decimal comma (`0,5`, printed by some plugins under some locales) is read as a decimal point.
 */
const NUMBER_PATTERN = '[+-]?(?:\\d+(?:[.,]\\d*)?|[.,]\\d+)(?:[eE][+-]?\\d+)?';

const NUMBER = new RegExp(`^${NUMBER_PATTERN}$`);

const LEADING_NUMBER = new RegExp(`^(${NUMBER_PATTERN})(.*)$`, 's');

/** Parses one perfdata number; undefined when the text is not a finite number in the perfdata grammar. */
export function parsePerfNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) {
    return undefined;
  }
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/** Splits `12.5GB` into the number (parsed as by parsePerfNumber) and the text after it; undefined without a number. */
export function splitLeadingNumber(
  text: string,
): { readonly value: number; readonly rest: string } | undefined {
  const match = LEADING_NUMBER.exec(text);
  const value = match?.[1] === undefined ? undefined : parsePerfNumber(match[1]);
  return value === undefined ? undefined : { value, rest: match?.[2] ?? '' };
}
