import { vi } from 'vitest';

/** What `make` wrote to stdout and stderr (Powertools Logger: info to the one, warnings to the other), non-blank lines, and its value. */
export async function capturedOutput<T>(make: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).split('\n'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    const value = await make();
    return { value, lines: lines.filter((l) => l.trim() !== '') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
