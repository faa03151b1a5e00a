/** Base class: every error HealOps raises on purpose. */
export class HealOpsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface Diagnostic {
  readonly file: string;
  /** 1-based; 0 when unknown */
  readonly line: number;
  /** 1-based; 0 when unknown */
  readonly col: number;
  /** Field path, e.g. `checks[0].timeout` */
  readonly path: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

/** A manifest or config file is invalid; carries every problem found, not just the first. */
export class ManifestError extends HealOpsError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    super(diagnostics.map(formatDiagnostic).join('\n'), options);
    this.diagnostics = diagnostics;
  }
}

export class ConfigError extends HealOpsError {}

/**
 * An EventBridge "CloudWatch Alarm State Change" event that is not one: its message names the source (file, queue
 * message) and each bad field by path, with the value found.
 */
export class AlarmEventError extends HealOpsError {}

/** Optimistic concurrency: the state changed since it was read. */
export class StateConflictError extends HealOpsError {}

export class DurationError extends HealOpsError {}

export class ScheduleError extends HealOpsError {}

/**
 * A batch could not be delivered to a metrics store. `retryable` means "keep the points and try later": the store
 * is down, slow, throttling, or misconfigured (credentials, URL) — a human can fix that without losing data. Not
 * retryable means the data itself was refused (HTTP 400, a ValidationException): retrying cannot help.
 */
export class TransportError extends HealOpsError {
  readonly retryable: boolean;
  /** The store asked to wait at least this long (Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** The request was too large (HTTP 413): send smaller chunks. */
  readonly tooLarge: boolean;
  constructor(
    message: string,
    options: { retryable: boolean; cause?: unknown; retryAfterMs?: number; tooLarge?: boolean },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.tooLarge = options.tooLarge ?? false;
  }
}
