/** Nagios plugin states, by exit code. */
export const STATUS_CODES = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

export type StatusName = keyof typeof STATUS_CODES;
export type StatusCode = (typeof STATUS_CODES)[StatusName];

export const STATUS_NAMES: readonly StatusName[] = ['ok', 'warning', 'critical', 'unknown'];

export function statusFromExitCode(code: number | null): StatusName {
  if (code === 0 || code === 1 || code === 2 || code === 3) {
    return STATUS_NAMES[code] ?? 'unknown';
  }
  return 'unknown';
}

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PLATFORMS = ['linux', 'windows', 'any'] as const;
export type Platform = (typeof PLATFORMS)[number];
