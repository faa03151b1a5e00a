/*
 * The limits the real Run Command API and SSM Agent enforce, in one place. Sources: the SSM API reference (SendCommand,
 * ListCommandInvocations, GetCommandInvocation, CommandPlugin) and the SSM Agent's iohandler (TruncateOutput,
 * MaximumPluginOutputSize 2500, console limits 24,000 stdout / 8,000 stderr).
 */

export const LIMITS = {
  /** InstanceIds per SendCommand / CancelCommand. */
  instanceIdsPerCall: 50,
  /** Targets per SendCommand, and values per target. */
  targetsPerCall: 5,
  valuesPerTarget: 50,
  /** ListCommandInvocations MaxResults range. */
  maxResultsMin: 1,
  maxResultsMax: 50,
  /** SendCommand TimeoutSeconds range (delivery timeout), and its default. */
  timeoutSecondsMin: 30,
  timeoutSecondsMax: 2_592_000,
  timeoutSecondsDefault: 3600,
  /** A step's `inputs.timeoutSeconds` default (execution timeout). */
  executionTimeoutDefault: 3600,
  /** CommandPlugin.Output: stdout and stderr together. */
  pluginOutput: 2500,
  /** GetCommandInvocation StandardOutputContent / StandardErrorContent. */
  standardOutput: 24_000,
  standardError: 8000,
  /** Command document size. */
  documentBytes: 64 * 1024,
  /** SendCommand defaults. */
  maxConcurrencyDefault: '50',
  maxErrorsDefault: '0',
  /** Exit code the agent reports for a step it killed on its execution timeout (128 + SIGKILL). */
  killedExitCode: 137,
} as const;

export const INSTANCE_ID_PATTERN = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;
export const COMMAND_ID_LENGTH = 36;
const MAX_CONCURRENCY_PATTERN = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS_PATTERN = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;

const TRUNCATE_OUT = '\n---Output truncated---';
const TRUNCATE_ERROR = '\n---Error truncated----';
const ERROR_TITLE = '\n----------ERROR-------\n';

/**
 * CommandPlugin.Output the way SSM Agent builds it (iohandler.TruncateOutput): stdout, then an error title and
 * stderr, cut to `capacity` characters with the agent's markers. Lengths are counted in UTF-16 code units here
 * (the agent counts bytes; the same for ASCII output).
 */
export function pluginOutput(stdout: string, stderr: string, capacity: number = LIMITS.pluginOutput): string {
  const outputSize = stdout.length;
  const errorSize = stderr.length;
  const errorTitle = errorSize > 0 ? ERROR_TITLE : '';
  const available = capacity - errorTitle.length;
  if (outputSize + errorSize < available) return `${stdout}${errorTitle}${stderr}`;
  const half = Math.floor(available / 2);
  if (outputSize > half && errorSize > half) {
    const size = Math.floor((available - TRUNCATE_ERROR.length - TRUNCATE_OUT.length) / 2);
    return `${stdout.slice(0, size)}${TRUNCATE_OUT}${errorTitle}${stderr.slice(0, size)}${TRUNCATE_ERROR}`;
  }
  if (outputSize < half) {
    const size = available - TRUNCATE_ERROR.length;
    return `${stdout}${errorTitle}${stderr.slice(0, size - outputSize)}${TRUNCATE_ERROR}`;
  }
  const size = available - TRUNCATE_OUT.length;
  return `${stdout.slice(0, size - errorSize)}${TRUNCATE_OUT}${errorTitle}${stderr}`;
}

export function validMaxConcurrency(value: string): boolean {
  return MAX_CONCURRENCY_PATTERN.test(value);
}

export function validMaxErrors(value: string): boolean {
  return MAX_ERRORS_PATTERN.test(value);
}

/** How many invocations may be in flight at once: a count, or a percentage of the targets (at least 1). */
export function concurrencyLimit(value: string, targets: number): number {
  if (!value.endsWith('%')) return Number(value);
  return Math.max(1, Math.ceil((Number(value.slice(0, -1)) * targets) / 100));
}

/** How many counted errors are allowed; one more stops the command (10% of 50 -> stops at the 6th error). */
export function errorLimit(value: string, targets: number): number {
  if (!value.endsWith('%')) return Number(value);
  return Math.floor((Number(value.slice(0, -1)) * targets) / 100);
}

/** The wording AWS's request validation uses for a constraint violation (a ValidationException message). */
export function constraintMessage(value: string, field: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
}
