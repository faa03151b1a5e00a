import { formatDiagnostic } from '@healops/core';
import pc from 'picocolors';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { out } from '../output.js';
import { sanitize, sanitizeLine } from '../render/sanitize.js';
import { loadWorkspace } from '../workspace.js';

export interface ValidateOptions {
  readonly config?: string;
  readonly json?: boolean;
}

/** Exit 0 when every package is valid, 1 when any problem was found, 2 on usage errors. */
export async function validateCommand(paths: readonly string[], options: ValidateOptions): Promise<ExitCode> {
  const ws = await loadWorkspace(paths, options.config);
  const valid = ws.problems.length === 0;
  if (options.json) {
    out.json({ valid, packages: ws.packages, problems: ws.problems });
  } else {
    for (const problem of ws.problems) out.line(sanitize(formatDiagnostic(problem)));
    for (const pkg of ws.packages) {
      const note = pkg.skipped
        ? pc.yellow(` (will not run until configured: ${sanitizeLine(pkg.skipped)})`)
        : '';
      out.line(
        `${pc.green('✓')} ${sanitizeLine(pkg.name)} ${pc.dim(sanitizeLine(pkg.version))}: ${pkg.checks} checks, ${pkg.stats} stats${note}`,
      );
    }
    out.line(
      valid
        ? pc.green(`${ws.packages.length} package${ws.packages.length === 1 ? '' : 's'} valid`)
        : pc.red(`${ws.problems.length} problem${ws.problems.length === 1 ? '' : 's'} found`),
    );
  }
  return valid ? EXIT.ok : EXIT.failed;
}
