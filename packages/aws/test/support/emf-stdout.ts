import { afterEach, beforeEach, vi } from 'vitest';

/*
 * Powertools Metrics writes EMF to process.stdout through its own Console and offers no option to send it elsewhere
 * (its `logger` option only takes warnings), so the EMF tests spy on process.stdout.write, keep the EMF lines and
 * pass everything else through.
 */

/** The EMF lines written since the last take() (installs the spy around each test of the file). */
export function useEmfStdout(): { take: () => string[] } {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    const original = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{"_aws"')) {
        lines.push(text);
        return true;
      }
      return (original as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return { take: () => lines.splice(0) };
}
