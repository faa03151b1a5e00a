import { fnv1a64 } from './ticket-text.js';

export const DEFAULT_JIRA_LABEL_PREFIX = 'healops';
/** Jira's label limit. */
export const JIRA_LABEL_MAX = 255;
const READABLE_MAX = 100;

/** `text` as a Jira label fragment: no whitespace, only `[A-Za-z0-9._-]`, runs of anything else become `_`. */
export function jiraLabelSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * The label that marks the one Jira issue of a problem: `<prefix>-<readable key>-<fnv1a64 of the exact key>`. The
 * readable part helps humans filter; the hash keeps keys that sanitize alike (`a/b`, `a b`) apart. Stable across runs.
 */
export function jiraDedupLabel(dedupKey: string, prefix: string = DEFAULT_JIRA_LABEL_PREFIX): string {
  const safePrefix = jiraLabelSafe(prefix) || DEFAULT_JIRA_LABEL_PREFIX;
  const withoutPrefix = dedupKey.startsWith(`${prefix}/`) ? dedupKey.slice(prefix.length + 1) : dedupKey;
  const readable = jiraLabelSafe(withoutPrefix).slice(0, READABLE_MAX).replace(/_+$/, '');
  const hash = fnv1a64(dedupKey);
  const label = readable === '' ? `${safePrefix}-${hash}` : `${safePrefix}-${readable}-${hash}`;
  return label.length <= JIRA_LABEL_MAX ? label : `${safePrefix.slice(0, JIRA_LABEL_MAX - 17)}-${hash}`;
}

/** The label every HealOps issue carries (the sanitized prefix). */
export function jiraPrefixLabel(prefix: string = DEFAULT_JIRA_LABEL_PREFIX): string {
  return (jiraLabelSafe(prefix) || DEFAULT_JIRA_LABEL_PREFIX).slice(0, JIRA_LABEL_MAX);
}
