/** Text helpers shared by the ticket payload builders. Pure. */

export const ELLIPSIS = '…';

/**
 * `text` cut to at most `max` UTF-16 code units, ending in an ellipsis when it was cut. Never splits a surrogate pair
 * (so the result is also at most `max` code points).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - ELLIPSIS.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, Math.max(cut, 0))}${ELLIPSIS}`;
}

/** Line breaks and tabs become single spaces; leading/trailing blanks go (titles must be one line). */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').trim();
}

/** True for an absolute `https:` URL. */
export function isHttpsUrl(value: string | undefined): value is string {
  if (value === undefined) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** True for an absolute `http:` or `https:` URL. */
export function isWebUrl(value: string | undefined): value is string {
  if (value === undefined) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The ISO-8601 form of `time`, or undefined when it is not a valid time. */
export function isoTime(time: string): string | undefined {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64-bit over the UTF-8 bytes of `text`, as 16 lowercase hex digits. Stable across runs and platforms. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/** A perfdata value with its unit, e.g. `95%`, `0.2s`, or `U` when the value is unknown. */
export function perfValue(value: number | null, uom: string): string {
  return value === null ? 'U' : `${value}${uom}`;
}
