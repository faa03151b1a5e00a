import { JIRA_STATUSES, type ReceiverIssue } from './jira-issue-model.js';

// JQL evaluation for the loopback Jira: the one query shape HealOps sends (open issues of a project with a label,
// oldest first), with an optional search lag, as Jira's index is eventually consistent.

/** JQL string literal as jqlString writes it. */
const JQL_LITERAL = String.raw`"((?:[^"\\]|\\.)*)"`;
const OPEN_ISSUE_JQL = new RegExp(
  `^project = ${JQL_LITERAL} AND labels = ${JQL_LITERAL} AND statusCategory != Done ORDER BY created ASC$`,
);

const JQL_UNESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

export interface OpenIssueQuery {
  readonly project: string;
  readonly label: string;
}

export interface SearchLag {
  readonly searches?: number;
  readonly ms?: number;
}

/** The project and label of an open-issue query, or undefined for JQL of any other shape. */
export function parseOpenIssueJql(jql: string): OpenIssueQuery | undefined {
  const match = OPEN_ISSUE_JQL.exec(jql);
  if (match === null) return undefined;
  return { project: unescapeJql(match[1] ?? ''), label: unescapeJql(match[2] ?? '') };
}

/**
 * The issues a query finds, oldest first, at most `maxResults`: not Done, and visible to search (created more than
 * `lag.searches` searches and at least `lag.ms` ago; `searches` counts this one).
 */
export function findOpenIssues(
  issues: readonly ReceiverIssue[],
  query: OpenIssueQuery,
  searches: number,
  lag: SearchLag | undefined,
  maxResults: number,
): ReceiverIssue[] {
  const visible = (i: ReceiverIssue): boolean =>
    searches - i.searchesAtCreate > (lag?.searches ?? 0) && Date.now() - i.createdMs >= (lag?.ms ?? 0);
  return issues
    .filter((i) => i.key.startsWith(`${query.project}-`) && i.labels.includes(query.label))
    .filter((i) => JIRA_STATUSES[i.status].category.key !== 'done' && visible(i))
    .sort((a, b) => a.createdMs - b.createdMs || Number(a.id) - Number(b.id))
    .slice(0, maxResults);
}

function unescapeJql(literal: string): string {
  return literal.replace(/\\(.)/g, (_, c: string) => JQL_UNESCAPES[c] ?? c);
}
