// The issue model of the loopback Jira (see jira-receiver.ts): statuses and their categories, workflow transitions,
// issues with labels and comments, and their JSON as Jira REST v3 writes it.

export const JIRA_STATUSES = {
  'To Do': { id: '10000', category: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' } },
  'In Progress': {
    id: '3',
    category: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  },
  Done: { id: '10001', category: { id: 3, key: 'done', name: 'Done', colorName: 'green' } },
} as const;
export type JiraStatusName = keyof typeof JIRA_STATUSES;

export interface ReceiverTransition {
  readonly id: string;
  readonly name: string;
  /** The status the transition leads to. */
  readonly to: JiraStatusName;
}

export const DEFAULT_TRANSITIONS: readonly ReceiverTransition[] = [
  { id: '11', name: 'Start', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
];

export interface ReceiverComment {
  readonly id: string;
  /** The ADF document as sent. */
  readonly body: unknown;
  readonly created: string;
}

export interface ReceiverIssue {
  readonly id: string;
  readonly key: string;
  /** The `fields` of the create request as sent. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly labels: readonly string[];
  status: JiraStatusName;
  readonly comments: ReceiverComment[];
  /** Transition ids applied, in order. */
  readonly transitions: string[];
  readonly created: string;
  /** Searches answered before this issue was created (for the search lag). */
  readonly searchesAtCreate: number;
  readonly createdMs: number;
}

/** A status as Jira writes it, with its category; `base` is the site URL. */
export function statusJson(base: string, name: JiraStatusName): object {
  const status = JIRA_STATUSES[name];
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    id: status.id,
    name,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${status.category.id}`, ...status.category },
  };
}

/** An issue as Jira writes it, with only the `fields` asked for. */
export function issueJson(base: string, found: ReceiverIssue, fields: readonly string[]): object {
  const all: Record<string, unknown> = {
    summary: found.fields.summary ?? '',
    status: statusJson(base, found.status),
    labels: found.labels,
    created: found.created,
  };
  const picked = Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name)));
  return { id: found.id, key: found.key, self: `${base}/rest/api/3/issue/${found.id}`, fields: picked };
}

/** A transition as GET .../transitions lists it. */
export function transitionJson(base: string, transition: ReceiverTransition): object {
  return {
    id: transition.id,
    name: transition.name,
    to: statusJson(base, transition.to),
    hasScreen: false,
    isGlobal: true,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    looped: false,
  };
}
