import { parsePerfdata } from './perfdata.js';
import type { PerfDatum, PluginOutput } from './types.js';

/**
 * Parses a plugin's stdout per the monitoring-plugins contract:
 * `SUMMARY | PERF` on the first line, then long output lines; the first `|` in the long output starts more perfdata,
 * which runs over every remaining line. Lines lose trailing whitespace (and CR); the summary is trimmed.
 * Each perfdata line is parsed on its own, so one malformed line cannot swallow the next.
 */
export function parsePluginOutput(text: string): PluginOutput {
  const lines = text.split(/\r?\n/).map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  const [first = '', ...rest] = lines;
  const perfTexts: string[] = [];

  const firstPipe = first.indexOf('|');
  const summary = (firstPipe === -1 ? first : first.slice(0, firstPipe)).trim();
  if (firstPipe !== -1) {
    perfTexts.push(first.slice(firstPipe + 1));
  }

  const longLines: string[] = [];
  let inPerfdata = false;
  for (const line of rest) {
    if (inPerfdata) {
      perfTexts.push(line);
      continue;
    }
    const pipe = line.indexOf('|');
    if (pipe === -1) {
      longLines.push(line);
      continue;
    }
    longLines.push(line.slice(0, pipe).trimEnd());
    perfTexts.push(line.slice(pipe + 1));
    inPerfdata = true;
  }

  const perfdata: PerfDatum[] = [];
  const perfdataErrors: string[] = [];
  for (const perfText of perfTexts) {
    const parsed = parsePerfdata(perfText);
    perfdata.push(...parsed.items);
    perfdataErrors.push(...parsed.errors);
  }
  return { summary, longOutput: longLines.join('\n').trimEnd(), perfdata, perfdataErrors };
}
