import { type Problem, SEVERITIES, statusDot } from '@healops/core';
import pc from 'picocolors';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { openExistingStore } from '../open-store.js';
import { out } from '../output.js';
import { DOT_STYLE } from '../render/colors.js';
import { renderTable } from '../render/table.js';

export interface StatusOptions {
  readonly home?: string;
  readonly json?: boolean;
}

/** `3 open problems (1 critical, 2 warning)`, by severity, most severe first. */
function problemCounts(problems: ReadonlyArray<{ problem: Problem }>): string {
  const total = `${problems.length} open problem${problems.length === 1 ? '' : 's'}`;
  const bySeverity = SEVERITIES.map(
    (s) => [s, problems.filter((p) => p.problem.severity === s).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return bySeverity.length > 0 ? `${total} (${bySeverity.join(', ')})` : total;
}

/** ` · 2 tickets undelivered (1 dead)`, or nothing when every ticket went out. */
function undeliveredNote(tickets: { pending: number; dead: number }): string {
  const undelivered = tickets.pending + tickets.dead;
  if (undelivered === 0) return '';
  const dead = tickets.dead > 0 ? pc.red(` (${tickets.dead} dead: healops tickets)`) : '';
  return ` · ${pc.yellow(`${undelivered} ticket${undelivered === 1 ? '' : 's'} undelivered`)}${dead}`;
}

/** Open problems and the status dot (green / yellow / red), with undelivered tickets. */
export async function statusCommand(options: StatusOptions): Promise<ExitCode> {
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json({ dot: statusDot([]), problems: [], tickets: { pending: 0, dead: 0 } });
    return EXIT.ok;
  }
  try {
    const problems = await store.openProblems();
    const dot = statusDot(problems);
    const counts = await store.ticketOutbox().counts();
    const tickets = { pending: counts.pending, dead: counts.dead };
    if (options.json) {
      out.json({
        dot,
        tickets,
        problems: problems.map(({ key, problem }) => ({
          package: key.package,
          check: key.check,
          target: key.target,
          ...problem,
        })),
      });
    } else {
      out.line(`${DOT_STYLE[dot]('●')} ${dot}: ${problemCounts(problems)}${undeliveredNote(tickets)}`);
      if (problems.length > 0) {
        out.line();
        out.line(
          renderTable(
            ['CHECK', 'TARGET', 'SEVERITY', 'SINCE', 'REASON', 'LAST OUTPUT'],
            problems.map(({ key, problem }) => [
              `${key.package}/${key.check}`,
              key.target,
              problem.severity,
              problem.openedAt,
              problem.reason,
              problem.lastOutput.split('\n', 1)[0] ?? '',
            ]),
            out.width(),
          ),
        );
      }
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
