import { type AdfDoc, adfDoc, adfParagraph, adfStrong, adfText } from './adf.js';
import {
  dedupFooter,
  detailSection,
  linksSection,
  outputSection,
  perfdataSection,
  repairsSection,
} from './jira-sections.js';
import type { TicketEvent } from './ticket-event.js';

export interface JiraCommentBody {
  readonly body: AdfDoc;
}

/**
 * Body for `POST /rest/api/3/issue/{key}/comment`: on `resolve` a recovery note, otherwise (a recurrence while the
 * issue is open) the latest status, output and repairs.
 */
export function jiraComment(event: TicketEvent): JiraCommentBody {
  if (event.action === 'resolve') {
    return {
      body: adfDoc([
        adfParagraph(
          adfStrong('Recovered'),
          adfText(` at ${event.occurredAt}: status ${event.status.toUpperCase()}.`),
        ),
        adfParagraph(adfText(event.summary)),
        ...detailSection(event),
        ...(event.repairs.length > 0 ? repairsSection(event) : []),
        ...dedupFooter(event),
      ]),
    };
  }
  return {
    body: adfDoc([
      adfParagraph(
        adfStrong('Still failing'),
        adfText(` at ${event.occurredAt}: status ${event.status.toUpperCase()} (${event.reason}).`),
      ),
      adfParagraph(adfText(event.summary)),
      ...detailSection(event),
      ...outputSection(event),
      ...perfdataSection(event),
      ...repairsSection(event),
      ...linksSection(event),
      ...dedupFooter(event),
    ]),
  };
}
