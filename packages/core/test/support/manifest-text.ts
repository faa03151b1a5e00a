import type { Diagnostic } from '../../src/errors.js';

/** A diagnostic as one comparable line: `line:col path: message`. */
export function brief(d: Diagnostic): string {
  return d.path ? `${d.line}:${d.col} ${d.path}: ${d.message}` : `${d.line}:${d.col} ${d.message}`;
}

/** Strips the common indentation of a template literal so YAML fixtures can be indented in test code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indents = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const cut = Math.min(...indents);
  return text
    .split('\n')
    .map((line) => line.slice(cut))
    .join('\n')
    .replace(/[ \t]+$/, '');
}
