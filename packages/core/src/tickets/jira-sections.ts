import {
  type AdfBlock,
  type AdfListItem,
  adfBulletList,
  adfCode,
  adfCodeBlock,
  adfHeading,
  adfLink,
  adfParagraph,
  adfStrong,
  adfTable,
  adfText,
} from './adf.js';
import type { TicketEvent } from './ticket-event.js';
import { isWebUrl, perfValue, truncate } from './ticket-text.js';

/** Our bounds, keeping a description well under Jira's 32,767-character field limit. */
export const JIRA_OUTPUT_MAX = 4000;
export const JIRA_REPAIR_OUTPUT_MAX = 1000;
export const JIRA_PERFDATA_ROWS_MAX = 50;
export const JIRA_REPAIRS_MAX = 10;

/** `Label: value` bullets for what/where/when. */
export function factsSection(event: TicketEvent): AdfBlock[] {
  const facts: Array<[string, string]> = [
    ['Package', event.key.package],
    ['Check', event.key.check],
    ['Target', event.key.target],
    ['Environment', event.environment],
    ['Severity', event.severity],
    ['Status', event.status.toUpperCase()],
    ['Reason', event.reason],
    ['First seen', event.firstSeen],
    ['Last seen', event.occurredAt],
  ];
  const items = facts
    .filter(([, value]) => value !== '')
    .map(([label, value]): AdfListItem['content'] => [adfParagraph(adfStrong(`${label}: `), adfText(value))]);
  return [adfBulletList(items)];
}

export function detailSection(event: TicketEvent): AdfBlock[] {
  return event.detail === '' ? [] : [adfParagraph(adfText(event.detail))];
}

export function outputSection(event: TicketEvent): AdfBlock[] {
  return [
    adfHeading(3, 'Check output'),
    event.output === ''
      ? adfParagraph(adfText('(no output)'))
      : adfCodeBlock(truncate(event.output, JIRA_OUTPUT_MAX)),
  ];
}

export function perfdataSection(event: TicketEvent): AdfBlock[] {
  if (event.perfdata.length === 0) return [];
  const rows = event.perfdata
    .slice(0, JIRA_PERFDATA_ROWS_MAX)
    .map((p) => [p.label, perfValue(p.value, p.uom)] as const);
  const more = event.perfdata.length - rows.length;
  return [
    adfHeading(3, 'Performance data'),
    adfTable(['Label', 'Value'], rows),
    ...(more > 0 ? [adfParagraph(adfText(`… and ${more} more`))] : []),
  ];
}

export function repairsSection(event: TicketEvent): AdfBlock[] {
  if (event.repairs.length === 0) {
    return [adfHeading(3, 'Repairs'), adfParagraph(adfText('No repair was attempted.'))];
  }
  const shown = event.repairs.slice(-JIRA_REPAIRS_MAX);
  const items = shown.map((r): AdfListItem['content'] => {
    const exit = r.timedOut ? 'timed out' : `exit ${r.exitCode ?? 'none'}`;
    const verify = r.verifyStatus === null ? 'not re-checked' : `re-check ${r.verifyStatus.toUpperCase()}`;
    const line = adfParagraph(
      adfStrong(`Attempt ${r.attempt}: ${r.succeeded ? 'succeeded' : 'failed'}`),
      adfText(` — ${exit}, ${r.durationMs} ms, ${verify}, started ${r.startedAt}`),
    );
    return r.output === '' ? [line] : [line, adfCodeBlock(truncate(r.output, JIRA_REPAIR_OUTPUT_MAX))];
  });
  const hidden = event.repairs.length - shown.length;
  return [
    adfHeading(3, 'Repairs'),
    ...(hidden > 0 ? [adfParagraph(adfText(`${hidden} earlier attempts not shown.`))] : []),
    adfBulletList(items),
  ];
}

/** Runbook, given links and the graph image, as links when they are web URLs, as code otherwise. */
export function linksSection(event: TicketEvent): AdfBlock[] {
  const items: AdfListItem['content'][] = [];
  if (event.runbook !== undefined && event.runbook !== '') {
    items.push([
      adfParagraph(
        adfStrong('Runbook: '),
        isWebUrl(event.runbook) ? adfLink(event.runbook, event.runbook) : adfCode(event.runbook),
      ),
    ]);
  }
  for (const link of event.links) {
    if (isWebUrl(link.href)) items.push([adfParagraph(adfLink(link.text, link.href))]);
  }
  if (isWebUrl(event.imageUrl)) items.push([adfParagraph(adfLink('Graph', event.imageUrl))]);
  return items.length === 0 ? [] : [adfHeading(3, 'Links'), adfBulletList(items)];
}

export function dedupFooter(event: TicketEvent): AdfBlock[] {
  return [adfParagraph(adfText('HealOps problem '), adfCode(event.dedupKey))];
}
