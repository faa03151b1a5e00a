import { stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';

export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

function clip(text: string, width: number): string {
  const plain = stripVTControlCharacters(text);
  if ([...plain].length <= width) return text;
  return `${[...plain].slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * A plain aligned table: a bold header, columns padded to their widest cell, the last column clipped to the
 * terminal width so rows never wrap.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth = 160,
): string {
  const widths = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const lastWidth = Math.max(20, maxWidth - fixed);
  const line = (cells: readonly string[], style: (s: string) => string = (s) => s) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? clip(cell, lastWidth) : pad(cell, widths[i] ?? 0)))
      .map(style)
      .join('  ')
      .trimEnd();
  return [line(headers, pc.bold), ...rows.map((r) => line(r))].join('\n');
}
