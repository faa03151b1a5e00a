import { executeCheck, formatDiagnostic, type ResolvedCheck } from '@healops/core';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { resolveHome } from '../home.js';
import { HOST_PLATFORM, LOCAL_TARGET, localEngine } from '../local-engine.js';
import { out } from '../output.js';
import { status as statusText } from '../render/colors.js';
import { sanitize, sanitizeLine } from '../render/sanitize.js';
import { renderTable } from '../render/table.js';
import { loadWorkspace } from '../workspace.js';

export interface CheckOptions {
  readonly json?: boolean;
  readonly home?: string;
  readonly config?: string;
}

const PLUGIN_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

function threshold(range: { text: string } | undefined): string {
  return range?.text ?? '';
}

/**
 * `healops check PKG/CHECK`: run one check now and show what it saw. Never repairs and changes no state.
 * Exit code is the plugin's (0..3), so it doubles as a Nagios-style probe.
 */
export async function checkCommand(
  ref: string,
  paths: readonly string[],
  options: CheckOptions,
): Promise<number> {
  const [pkg, name, extra] = ref.split('/');
  if (!pkg || !name || extra !== undefined) throw new UsageError(`expected PACKAGE/CHECK, got "${ref}"`);
  const ws = await loadWorkspace(paths, options.config);
  const skipped = ws.skipped.find((s) => s.package === pkg && s.checks.includes(name));
  if (skipped) {
    out.error(sanitize(`healops: ${pkg}/${name} cannot run: ${skipped.reason}`));
    return PLUGIN_EXIT.unknown;
  }
  const check: ResolvedCheck | undefined = ws.checks.find((c) => c.package === pkg && c.name === name);
  if (!check) {
    for (const problem of ws.problems) out.error(formatDiagnostic(problem));
    const known = ws.checks.filter((c) => c.package === pkg).map((c) => c.name);
    throw new UsageError(
      `no check "${name}" in package "${pkg}"${known.length ? ` (it has: ${known.join(', ')})` : ' (package not found)'}`,
    );
  }
  if (check.platform !== 'any' && check.platform !== HOST_PLATFORM) {
    // As `run` skips it: a script for another platform is never started here (nor is any state touched).
    out.error(
      sanitize(
        `healops: ${pkg}/${name} is not run on this platform: it is for platform ${check.platform}, this host is ${HOST_PLATFORM}`,
      ),
    );
    return PLUGIN_EXIT.unknown;
  }
  // One check, nothing recorded: no metrics sinks.
  const engine = await localEngine(resolveHome(options.home), { dryRun: true, metrics: [] });
  try {
    const run = await executeCheck(engine.deps, engine.settings, check, {
      package: pkg,
      check: name,
      target: LOCAL_TARGET,
    });
    if (options.json) {
      out.json(run);
    } else {
      out.line(
        `${statusText(run.status)} ${pc.bold(sanitizeLine(`${pkg}/${name}`))} ${pc.dim(`${Math.round(run.durationMs)}ms`)}`,
      );
      // Plugin output is sanitized for the terminal (control characters removed); --json keeps it exact.
      out.line(sanitize(run.summary));
      if (run.longOutput) out.line(sanitize(run.longOutput));
      if (run.perfdata.length > 0) {
        out.line();
        out.line(
          renderTable(
            ['LABEL', 'VALUE', 'UOM', 'WARN', 'CRIT', 'MIN', 'MAX'],
            run.perfdata.map((p) => [
              p.label,
              p.value === null ? 'U' : String(p.value),
              p.uom,
              threshold(p.warn),
              threshold(p.crit),
              p.min === undefined ? '' : String(p.min),
              p.max === undefined ? '' : String(p.max),
            ]),
            out.width(),
          ),
        );
      }
      for (const error of run.perfdataErrors) out.error(`healops: warning: ${sanitizeLine(error)}`);
      if (run.truncated) out.error('healops: warning: output was cut at the capture limit');
    }
    return PLUGIN_EXIT[run.status];
  } finally {
    engine.close();
  }
}
