import { OPERATIONS } from '../../test/support/ssm-emulator/types.js';
import type { RunResult } from './run-result.js';

/* The bench's table: API calls per cycle by operation, wall time and where it went, and HealOps vs naive. */

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');
}

export function printResults(results: readonly RunResult[]): void {
  const header = [
    'strategy',
    ...OPERATIONS.map((op) => op.replace('CommandInvocation', 'Invocation')),
    'total',
    'wall s',
    'send s',
    'hosts s',
    'lag s',
    'passes',
    'polls/pass',
    'procs',
    'results',
    'wrong',
  ];
  const rows = results.map((r) => [
    r.strategy,
    ...OPERATIONS.map((op) => String(r.calls[op])),
    String(r.totalCalls),
    seconds(r.wallMs),
    seconds(r.sendMs),
    seconds(r.hostSpanMs),
    seconds(r.collectLagMs),
    String(r.passes),
    (r.passes === 0 ? 0 : (r.totalCalls - r.calls.SendCommand) / r.passes).toFixed(0),
    String(r.processes),
    String(r.results),
    String(r.wrong),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((cells) => (cells[i] ?? '').length)));
  console.log('');
  console.log(row(header, widths));
  for (const cells of rows) console.log(row(cells, widths));
  console.log(
    '\nwall = first SendCommand to last result collected; send = the sending phase; hosts = first step start to last step end on the emulated hosts; lag = last step end to its result collected; polls/pass = List/Get calls per poll pass; procs = step scripts the emulator ran (each is 18 processes: the step shell, 8 subshell forks, and 9 programs: mktemp, mkdir, 5x base64, sh for the check, rm); wrong = results missing, doubled, or with another exit code than the script gives.',
  );
  const naive = results.find((r) => r.strategy.startsWith('naive'));
  if (naive === undefined) return;
  console.log('');
  for (const r of results) {
    if (r === naive) continue;
    console.log(
      `${r.strategy}: ${(naive.totalCalls / r.totalCalls).toFixed(1)}x fewer API calls than naive (${r.totalCalls} vs ${naive.totalCalls}), wall ${seconds(r.wallMs)} s vs ${seconds(naive.wallMs)} s`,
    );
  }
  for (const r of results) {
    const apiShare = Math.max(0, r.wallMs - r.hostSpanMs);
    console.log(
      `${r.strategy}: hosts busy ${((100 * r.hostSpanMs) / r.wallMs).toFixed(0)}% of wall; ${seconds(apiShare)} s of wall outside the hosts' busy span (sending before the first step, collecting after the last)`,
    );
  }
}
