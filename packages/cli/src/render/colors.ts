import type { Outcome, StatusName } from '@healops/core';
import pc from 'picocolors';
import type { Cell } from './table.js';

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

/** A status as a table cell, styled after padding. */
export function statusCell(name: StatusName): Cell {
  return { text: name.toUpperCase(), style: STATUS_STYLE[name] };
}

/** An outcome as a table cell, styled after padding. */
export function outcomeCell(name: Outcome): Cell {
  return { text: name, style: OUTCOME_STYLE[name] };
}

export const DOT_STYLE = { green: pc.green, yellow: pc.yellow, red: pc.red } as const;
