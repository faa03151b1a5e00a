import { DEFAULT_JIRA_LABEL_PREFIX, jiraDedupLabel } from './jira-label.js';

/** Fields the sink needs back from a search: enough to comment on and transition the issue. */
export const JIRA_SEARCH_FIELDS = ['summary', 'status', 'labels', 'created'] as const;

export interface JiraSearchBody {
  readonly jql: string;
  readonly fields: readonly string[];
  readonly maxResults: number;
}

export interface JiraTransitionBody {
  readonly transition: { readonly id: string };
}

/**
 * `value` as a JQL string literal: double quotes, with `\` and `"` escaped and control characters written as
 * `\n`, `\r`, `\t` (JQL's escapes), so no input can end the literal or add clauses.
 */
export function jqlString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => JQL_ESCAPES[c] ?? c);
  return `"${escaped}"`;
}

const JQL_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Body for `POST /rest/api/3/search/jql` finding the open issue of a problem by its dedup label, oldest first
 * (if a race ever opened two, the sink keeps the first). Search is eventually consistent: use local state first.
 */
export function jiraSearchOpen(
  dedupKey: string,
  project: string,
  labelPrefix: string = DEFAULT_JIRA_LABEL_PREFIX,
): JiraSearchBody {
  const label = jiraDedupLabel(dedupKey, labelPrefix);
  const jql =
    `project = ${jqlString(project)} AND labels = ${jqlString(label)} ` +
    'AND statusCategory != Done ORDER BY created ASC';
  return { jql, fields: [...JIRA_SEARCH_FIELDS], maxResults: 10 };
}

/** Body for `POST /rest/api/3/issue/{key}/transitions`; the id comes from `GET .../transitions` matched by name. */
export function jiraTransition(transitionId: string): JiraTransitionBody {
  return { transition: { id: transitionId } };
}
