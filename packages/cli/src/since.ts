import { parseDuration } from '@healops/core';
import { UsageError } from './errors.js';

/** `--since 1h` (a duration back from now) or an ISO-8601 time. */
export function parseSince(text: string, now = new Date()): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--since: invalid time "${text}"`);
    return at;
  }
  try {
    return new Date(now.getTime() - parseDuration(text, '--since'));
  } catch (error) {
    throw new UsageError(`--since: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
