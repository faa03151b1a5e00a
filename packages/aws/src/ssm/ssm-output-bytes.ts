/*
 * Output cut to a byte bound the way the engine keeps it (maxOutputBytes per stream): UTF-8, never in the middle of
 * a character.
 */

/** The longest prefix of `bytes` of at most `maxBytes` that ends on a character boundary. */
export function utf8Prefix(bytes: Uint8Array, maxBytes: number): { bytes: Uint8Array; cut: boolean } {
  if (bytes.length <= maxBytes) return { bytes, cut: false };
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is not split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { bytes: bytes.subarray(0, end), cut: true };
}

/** Text cut to at most `maxBytes` of UTF-8. */
export function capBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  const prefix = utf8Prefix(bytes, maxBytes);
  return prefix.cut ? { text: Buffer.from(prefix.bytes).toString('utf8'), cut: true } : { text, cut: false };
}

/** UTF-8 bytes as text (invalid sequences replaced), cut to `maxBytes` first. */
export function decodeCapped(bytes: Uint8Array, maxBytes: number): { text: string; cut: boolean } {
  const prefix = utf8Prefix(bytes, maxBytes);
  return { text: new TextDecoder('utf-8').decode(prefix.bytes), cut: prefix.cut };
}
