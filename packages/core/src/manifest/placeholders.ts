/**
 * `${params.name}` placeholders in command arguments. Every `${...}` is a placeholder and only `${params.<name>}`
 * is supported, so a typo such as `${param.port}` is reported instead of reaching the command; write `$${` for a
 * literal `${` (e.g. a shell variable in `sh -c`).
 */

export const PARAM_NAME_PATTERN = '^[a-z][a-z0-9_]*$';

const PLACEHOLDER_RE = /\$(\$?)\{([^}]*)\}/g;
const PARAM_REF_RE = /^params\.([a-z][a-z0-9_]*)$/;

export interface Placeholder {
  /** The text as written, e.g. `${params.port}`. */
  readonly raw: string;
  /** The parameter name when the placeholder has the supported form. */
  readonly param?: string;
}

/** Placeholders in `text`, in order (escaped `$${...}` excluded). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER_RE)) {
    if (match[1] === '$') {
      continue;
    }
    const param = PARAM_REF_RE.exec(match[2] ?? '')?.[1];
    found.push(param === undefined ? { raw: match[0] } : { raw: match[0], param });
  }
  return found;
}

/** Replaces `${params.name}` with its value ('' when the parameter has none) and `$${` with `${`. */
export function substituteParams(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER_RE, (raw: string, escaped: string, inner: string) => {
    if (escaped === '$') {
      return raw.slice(1);
    }
    const param = PARAM_REF_RE.exec(inner)?.[1];
    return param === undefined ? raw : (values[param] ?? '');
  });
}

/** Environment variable carrying a parameter to scripts: `port` → `HEALOPS_PARAM_PORT`. */
export function paramEnvName(name: string): string {
  return `HEALOPS_PARAM_${name.toUpperCase()}`;
}
