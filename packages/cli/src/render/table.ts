import pc from 'picocolors';
import { sanitizeLine } from './sanitize.js';

/** A table cell: plain text, or text with a style (colors) applied after it was sanitized, padded and clipped. */
export type Cell = string | { readonly text: string; readonly style: (s: string) => string };

interface PlainCell {
  readonly text: string;
  readonly style: ((s: string) => string) | undefined;
}

function plain(cell: Cell): PlainCell {
  return typeof cell === 'string'
    ? { text: sanitizeLine(cell), style: undefined }
    : { text: sanitizeLine(cell.text), style: cell.style };
}

/** Width in code points (no escape sequences are inside a sanitized cell). */
export function visibleWidth(text: string): number {
  return [...text].length;
}

function clip(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * A plain aligned table: a bold header, columns padded to their widest cell, the last column clipped to the
 * terminal width so rows never wrap. Every cell is sanitized (control characters removed, newlines and tabs shown
 * as spaces), so text from checks cannot reach the terminal as escape sequences or break a row in two.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  maxWidth = 160,
): string {
  const head = headers.map((h) => plain({ text: h, style: pc.bold }));
  const body = rows.map((r) => r.map(plain));
  const widths = head.map((h, i) =>
    Math.max(visibleWidth(h.text), ...body.map((r) => visibleWidth(r[i]?.text ?? ''))),
  );
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const lastWidth = Math.max(20, maxWidth - fixed);
  const line = (cells: readonly PlainCell[]) =>
    cells
      .map(({ text, style }, i) => {
        const shown = i === cells.length - 1 ? clip(text, lastWidth) : text;
        const padding =
          i === cells.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(shown)));
        return (style ? style(shown) : shown) + padding;
      })
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
