import type { CheckOutcome, CycleReport, Outcome } from '@healops/core';
import pc from 'picocolors';
import { outcome as outcomeText, status as statusText } from './colors.js';
import { renderTable, visibleWidth } from './table.js';

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

function repairCell(o: CheckOutcome): string {
  if (o.repair.attempted) {
    const n = o.repair.attempts.length;
    return o.repair.succeeded ? pc.green(`repaired (${n})`) : pc.red(`failed (${n})`);
  }
  return o.repair.skippedReason ? pc.dim(`skipped: ${o.repair.skippedReason}`) : '';
}

function pad(text: string): string {
  return text + ' '.repeat(Math.max(0, 10 - visibleWidth(text)));
}

/** One line per finished check, printed as results arrive. */
export function progressLine(o: CheckOutcome): string {
  const name = `${o.key.package}/${o.key.check}`;
  const ms = pc.dim(`${Math.round(o.durationMs)}ms`);
  if (o.outcome === 'skipped') return `  ${pad(outcomeText(o.outcome))} ${name} ${pc.dim(o.detail ?? '')}`;
  const arrow = o.initialStatus !== o.status ? `${statusText(o.initialStatus)} -> ` : '';
  return `  ${pad(outcomeText(o.outcome))} ${name} ${arrow}${statusText(o.status)} ${ms}`;
}

export function summaryTable(report: CycleReport, width: number): string {
  const rows = [...report.results, ...report.stats].map((o) => [
    `${o.key.package}/${o.key.check}${o.kind === 'stats' ? pc.dim(' (stats)') : ''}`,
    o.key.target,
    statusText(o.status),
    outcomeText(o.outcome),
    repairCell(o),
    o.detail && o.outcome !== 'ok' && o.outcome !== 'recovered' ? o.detail : o.summary,
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
