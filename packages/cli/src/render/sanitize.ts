/**
 * Terminal control characters except tab and newline: Unicode category Cc is C0 (U+0000..U+001F), DEL and C1
 * (U+0080..U+009F, which some terminals read as ESC-prefixed sequences, e.g. U+009B as CSI).
 */
const CONTROL = /[^\P{Cc}\t\n]/gu;
const LINE_BREAKS = /[\n\t]/g;

/**
 * Makes text from checks, repairs, manifests or the store safe to print on a terminal: removes every control
 * character except newline and tab, so output cannot clear the screen, retitle the window, move the cursor or
 * overwrite a line with `\r`. What is left of an escape sequence (e.g. `[2J`) stays visible. For human output
 * only: `--json` keeps the exact text (JSON escapes control characters).
 */
export function sanitize(text: string): string {
  return text.replace(CONTROL, '');
}

/** `sanitize`, then newlines and tabs as spaces: for a table cell or anything printed on one line. */
export function sanitizeLine(text: string): string {
  return sanitize(text).replace(LINE_BREAKS, ' ');
}
