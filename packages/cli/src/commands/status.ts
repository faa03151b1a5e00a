import { statusDot } from '@healops/core';
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

/** Open problems and the status dot (green / yellow / red). */
export async function statusCommand(options: StatusOptions): Promise<ExitCode> {
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json({ dot: statusDot([]), problems: [] });
    return EXIT.ok;
  }
  try {
    const problems = await store.openProblems();
    const dot = statusDot(problems);
    if (options.json) {
      out.json({
        dot,
        problems: problems.map(({ key, problem }) => ({
          package: key.package,
          check: key.check,
          target: key.target,
          ...problem,
        })),
      });
    } else {
      out.line(
        `${DOT_STYLE[dot]('●')} ${dot}: ${problems.length} open problem${problems.length === 1 ? '' : 's'}`,
      );
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
