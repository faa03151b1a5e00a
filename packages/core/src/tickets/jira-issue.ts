import type { Severity } from '../model/status.js';
import { type AdfDoc, adfDoc, adfHeading, adfParagraph, adfText } from './adf.js';
import { DEFAULT_JIRA_LABEL_PREFIX, jiraDedupLabel, jiraPrefixLabel } from './jira-label.js';
import {
  dedupFooter,
  detailSection,
  factsSection,
  linksSection,
  outputSection,
  perfdataSection,
  repairsSection,
} from './jira-sections.js';
import type { TicketEvent } from './ticket-event.js';
import { oneLine, truncate } from './ticket-text.js';

/** Jira's summary limit. */
export const JIRA_SUMMARY_MAX = 255;

export interface JiraIssueOptions {
  /** Project key, e.g. `OPS`. */
  readonly project: string;
  /** Issue type name, e.g. `Incident`. */
  readonly issueType: string;
  /** Prefix of the labels HealOps sets; default `healops`. */
  readonly labelPrefix?: string;
  /** Priority name per severity, e.g. `{ critical: 'Highest' }`; severities left out set no priority. */
  readonly priorities?: Readonly<Partial<Record<Severity, string>>>;
}

export interface JiraCreateIssueBody {
  readonly fields: {
    readonly project: { readonly key: string };
    readonly issuetype: { readonly name: string };
    readonly summary: string;
    readonly description: AdfDoc;
    readonly labels: readonly string[];
    readonly priority?: { readonly name: string };
  };
}

/** Body for `POST /rest/api/3/issue`: one issue per problem, found again through its dedup label. */
export function jiraCreateIssue(event: TicketEvent, options: JiraIssueOptions): JiraCreateIssueBody {
  const prefix = options.labelPrefix ?? DEFAULT_JIRA_LABEL_PREFIX;
  const priority = options.priorities?.[event.severity];
  return {
    fields: {
      project: { key: options.project },
      issuetype: { name: options.issueType },
      summary: jiraSummary(event.summary),
      description: jiraDescription(event),
      labels: [jiraPrefixLabel(prefix), jiraDedupLabel(event.dedupKey, prefix)],
      ...(priority === undefined ? {} : { priority: { name: priority } }),
    },
  };
}

/** One line of at most 255 characters (Jira rejects line breaks in summaries). */
export function jiraSummary(summary: string): string {
  return truncate(oneLine(summary), JIRA_SUMMARY_MAX) || 'HealOps problem';
}

export function jiraDescription(event: TicketEvent): AdfDoc {
  return adfDoc([
    adfHeading(2, 'Problem'),
    adfParagraph(adfText(event.summary)),
    ...factsSection(event),
    ...detailSection(event),
    ...outputSection(event),
    ...perfdataSection(event),
    ...repairsSection(event),
    ...linksSection(event),
    ...dedupFooter(event),
  ]);
}
