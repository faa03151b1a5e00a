import type { Outcome, StatusName } from '@healops/core';
import pc from 'picocolors';

const STATUS_STYLE: Record<StatusName, (s: string) => string> = {
  ok: pc.green,
  warning: pc.yellow,
  critical: pc.red,
  unknown: pc.magenta,
};

const OUTCOME_STYLE: Record<Outcome, (s: string) => string> = {
  ok: pc.green,
  recovered: (s) => pc.bold(pc.green(s)),
  'soft-fail': pc.yellow,
  escalated: (s) => pc.bold(pc.red(s)),
  suppressed: pc.cyan,
  unknown: pc.magenta,
  skipped: pc.dim,
};

export function status(name: StatusName): string {
  return STATUS_STYLE[name](name.toUpperCase());
}

export function outcome(name: Outcome): string {
  return OUTCOME_STYLE[name](name);
}

export const DOT_STYLE = { green: pc.green, yellow: pc.yellow, red: pc.red } as const;
