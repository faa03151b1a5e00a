/**
 * POSIX sh quoting for text the SSM document embeds in its Linux script. SSM substitutes `{{ name }}` anywhere in
 * the document (and resolves `{{ssm:...}}` from Parameter Store), so no embedded literal may contain `{{`: every `{`
 * is followed by `''` (an empty quoted string), which the shell drops.
 */
import { paramEnvName } from '../manifest/placeholders.js';

/** One shell word that reads as exactly `value`, whatever it holds (quotes, $(), backticks, newlines). */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`).replaceAll('{', `{''`)}'`;
}

/** A literal text or a `${params.<name>}` reference in an argv template. */
export type TemplatePart = { readonly text: string } | { readonly param: string };

const PLACEHOLDER_RE = /\$(\$?)\{([^}]*)\}/g;
const PARAM_REF_RE = /^params\.([a-z][a-z0-9_]*)$/;

/**
 * Splits an argv template as substituteParams reads it: `${params.x}` is a reference, `$${` a literal `${`, any
 * other `${...}` stays literal. Adjacent literal text is merged.
 */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const literal = (text: string): void => {
    const last = parts.at(-1);
    if (last !== undefined && 'text' in last) {
      parts[parts.length - 1] = { text: last.text + text };
    } else if (text !== '') {
      parts.push({ text });
    }
  };
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER_RE)) {
    literal(template.slice(at, match.index));
    at = match.index + match[0].length;
    const param = PARAM_REF_RE.exec(match[2] ?? '')?.[1];
    if (match[1] === '$') {
      literal(match[0].slice(1));
    } else if (param === undefined) {
      literal(match[0]);
    } else {
      parts.push({ param });
    }
  }
  literal(template.slice(at));
  return parts;
}

/**
 * One shell word for an argv template: literal text quoted, `${params.x}` read from HEALOPS_PARAM_X in double
 * quotes (expanded once, never split, globbed or executed; unset reads as empty, as substituteParams does).
 */
export function shWord(template: string): string {
  const parts = templateParts(template);
  if (parts.length === 0) {
    return "''";
  }
  return parts
    .map((part) => ('text' in part ? shQuote(part.text) : `"\${${paramEnvName(part.param)}}"`))
    .join('');
}
