/** Collects one stream's bytes up to a cap; past the cap it keeps accepting (so the child never blocks) but discards. */
export class OutputCapture {
  readonly #cap: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #truncated = false;

  constructor(maxBytes: number) {
    this.#cap = Number.isFinite(maxBytes) ? Math.max(0, Math.floor(maxBytes)) : 0;
  }

  push(chunk: Buffer): void {
    const room = this.#cap - this.#kept;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#kept += chunk.length;
      return;
    }
    this.#truncated = true;
    if (room > 0) {
      this.#chunks.push(chunk.subarray(0, room));
      this.#kept += room;
    }
  }

  get truncated(): boolean {
    return this.#truncated;
  }

  /** The kept bytes; when cut at the cap, a UTF-8 character split by the cut is dropped whole. */
  bytes(): Buffer {
    const all = Buffer.concat(this.#chunks, this.#kept);
    return this.#truncated ? all.subarray(0, utf8SafeEnd(all)) : all;
  }
}

/**
 * Length of the longest prefix of `bytes` that does not end inside a UTF-8 character. Bytes that are not
 * UTF-8 at all are left alone (the caller reports them as binary).
 */
export function utf8SafeEnd(bytes: Uint8Array): number {
  const end = bytes.length;
  // A character is at most 4 bytes: look back over up to 3 continuation bytes (10xxxxxx) for its lead byte.
  let start = end - 1;
  while (start >= 0 && end - start <= 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  if (start < 0 || end - start > 4) return end;
  const needed = utf8SequenceLength(bytes[start] ?? 0);
  return needed > 1 && start + needed > end ? start : end;
}

function utf8SequenceLength(lead: number): number {
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

export interface DecodedOutput {
  readonly text: string;
  /** The bytes were not valid UTF-8, or held a NUL byte. */
  readonly binary: boolean;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes as UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeOutput(bytes: Uint8Array): DecodedOutput {
  try {
    const text = strictDecoder.decode(bytes);
    return { text, binary: bytes.includes(0) };
  } catch {
    return { text: lenientDecoder.decode(bytes), binary: true };
  }
}
