import type { CheckOutcome, CycleReport, Outcome } from '@healops/core';
import pc from 'picocolors';
import { outcomeCell, outcome as outcomeText, statusCell, status as statusText } from './colors.js';
import { sanitizeLine } from './sanitize.js';
import { type Cell, renderTable } from './table.js';

/** The `--json` shape of one outcome (the CLI contract; extra fields may be added, none removed). */
export function outcomeJson(o: CheckOutcome) {
  return {
    package: o.key.package,
    check: o.key.check,
    target: o.key.target,
    status: o.status,
    initialStatus: o.initialStatus,
    outcome: o.outcome,
    repair: {
      attempted: o.repair.attempted,
      succeeded: o.repair.succeeded,
      skippedReason: o.repair.skippedReason,
      attempts: o.repair.attempts,
    },
    metrics: o.metrics.map((m) => ({ name: m.name, value: m.value, unit: m.unit })),
    summary: o.summary,
    output: o.output,
    truncated: o.truncated,
    perfdataErrors: o.perfdataErrors,
    durationMs: Math.round(o.durationMs),
    detail: o.detail ?? null,
  };
}

export function reportJson(report: CycleReport, errors: readonly string[]) {
  return {
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    results: report.results.map(outcomeJson),
    stats: report.stats.map(outcomeJson),
    errors,
  };
}

function repairCell(o: CheckOutcome): Cell {
  if (o.repair.attempted) {
    const n = o.repair.attempts.length;
    return o.repair.succeeded
      ? { text: `repaired (${n})`, style: pc.green }
      : { text: `failed (${n})`, style: pc.red };
  }
  return o.repair.skippedReason ? { text: `skipped: ${o.repair.skippedReason}`, style: pc.dim } : '';
}

/** The outcome name padded to a fixed width, then styled (padding counts the plain name). */
function paddedOutcome(name: Outcome): string {
  return outcomeText(name) + ' '.repeat(Math.max(0, 10 - name.length));
}

/** One line per finished check, printed as results arrive; text from the check is sanitized for the terminal. */
export function progressLine(o: CheckOutcome): string {
  const name = sanitizeLine(`${o.key.package}/${o.key.check}`);
  const ms = pc.dim(`${Math.round(o.durationMs)}ms`);
  if (o.outcome === 'skipped') {
    return `  ${paddedOutcome(o.outcome)} ${name} ${pc.dim(sanitizeLine(o.detail ?? ''))}`;
  }
  const arrow = o.initialStatus !== o.status ? `${statusText(o.initialStatus)} -> ` : '';
  return `  ${paddedOutcome(o.outcome)} ${name} ${arrow}${statusText(o.status)} ${ms}`;
}

/** The summary after a cycle; renderTable sanitizes every cell. */
function detailText(o: CheckOutcome): string {
  const text = o.detail && o.outcome !== 'ok' && o.outcome !== 'recovered' ? o.detail : o.summary;
  const notes = [
    ...(o.truncated ? ['output cut'] : []),
    ...(o.perfdataErrors.length > 0 ? [`${o.perfdataErrors.length} bad perfdata item(s)`] : []),
  ];
  return notes.length > 0 ? `[${notes.join(', ')}] ${text}` : text;
}

export function summaryTable(report: CycleReport, width: number): string {
  const rows = [...report.results, ...report.stats].map((o): Cell[] => [
    `${o.key.package}/${o.key.check}${o.kind === 'stats' ? ' (stats)' : ''}`,
    o.key.target,
    o.outcome === 'skipped' ? '-' : statusCell(o.status),
    outcomeCell(o.outcome),
    repairCell(o),
    detailText(o),
  ]);
  return renderTable(['CHECK', 'TARGET', 'STATUS', 'OUTCOME', 'REPAIR', 'DETAIL'], rows, width);
}

export function totalsLine(report: CycleReport): string {
  const counts = new Map<Outcome, number>();
  for (const o of report.results) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const parts = [...counts.entries()].sort().map(([k, v]) => `${v} ${outcomeText(k)}`);
  const ms = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return `${report.results.length} checks, ${report.stats.length} stats in ${ms} ms: ${parts.join(', ') || 'nothing ran'}`;
}

/** 0 when every check ended ok, recovered or skipped; 1 otherwise. */
export function runExitCode(report: CycleReport): 0 | 1 {
  return report.results.every(
    (o) => o.outcome === 'ok' || o.outcome === 'recovered' || o.outcome === 'skipped',
  )
    ? 0
    : 1;
}
