/** Base64 (RFC 4648, with padding) of UTF-8 text, without Node's Buffer so the core stays runtime-neutral. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

export function base64Bytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63);
    out += b === undefined ? '=' : ALPHABET.charAt((n >> 6) & 63);
    out += c === undefined ? '=' : ALPHABET.charAt(n & 63);
  }
  return out;
}

/** Base64 of the UTF-8 encoding of `text`. */
export function base64Encode(text: string): string {
  return base64Bytes(utf8.encode(text));
}

/** Bytes of a base64 text; undefined when it is not canonical padded base64. */
export function base64DecodeBytes(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    return undefined;
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (ALPHABET.indexOf(text.charAt(i)) << 18) |
      (ALPHABET.indexOf(text.charAt(i + 1)) << 12) |
      (Math.max(ALPHABET.indexOf(text.charAt(i + 2)), 0) << 6) |
      Math.max(ALPHABET.indexOf(text.charAt(i + 3)), 0);
    for (const byte of [(n >> 16) & 255, (n >> 8) & 255, n & 255]) {
      if (at < bytes.length) {
        bytes[at] = byte;
        at += 1;
      }
    }
  }
  return bytes;
}

/** UTF-8 text of a base64 value; undefined when it is not canonical padded base64. */
export function base64Decode(text: string): string | undefined {
  const bytes = base64DecodeBytes(text);
  return bytes === undefined ? undefined : fromUtf8.decode(bytes);
}

/** Bytes of `text` in UTF-8. */
export function utf8Length(text: string): number {
  return utf8.encode(text).length;
}
