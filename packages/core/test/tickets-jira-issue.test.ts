import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../src/model/status.js';
import { jiraComment } from '../src/tickets/jira-comment.js';
import { JIRA_SUMMARY_MAX, jiraCreateIssue } from '../src/tickets/jira-issue.js';
import { jiraDedupLabel } from '../src/tickets/jira-label.js';
import { JIRA_OUTPUT_MAX } from '../src/tickets/jira-sections.js';
import type { TicketEvent } from '../src/tickets/ticket-event.js';
import { adfLinks, adfPlainText, adfProblems } from './support/tickets-adf.js';
import { makeTicketEvent } from './support/tickets-fixtures.js';
import { openApiProblems } from './support/tickets-openapi.js';

const OPTIONS = { project: 'OPS', issueType: 'Incident' } as const;

function createBody(event: TicketEvent, options: Parameters<typeof jiraCreateIssue>[1] = OPTIONS) {
  const body = jiraCreateIssue(event, options);
  expect(openApiProblems('jiraCreateIssue', body)).toEqual([]);
  expect(adfProblems(body.fields.description)).toEqual([]);
  for (const label of body.fields.labels) {
    expect(label).toMatch(/^\S{1,255}$/);
  }
  return body;
}

describe('the Jira schema validator and ADF checks', () => {
  it.each([
    ['fields that is not an object', 'jiraCreateIssue', { fields: 'summary' }],
    ['a comment with a non-array properties', 'jiraAddComment', { body: {}, properties: 'x' }],
    ['a search with an unknown member', 'jiraSearchJql', { jql: 'project = OPS', startAt: 0 }],
    ['a search with a fractional maxResults', 'jiraSearchJql', { jql: 'project = OPS', maxResults: 1.5 }],
    ['a transition whose id is a number', 'jiraTransition', { transition: { id: 31 } }],
  ] as const)('the schema rejects %s', (_name, operation, body) => {
    expect(openApiProblems(operation, body)).not.toEqual([]);
  });

  it.each([
    ['a non-doc root', { type: 'paragraph', content: [] }],
    [
      'an empty text node',
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
    ],
    [
      'marks in a code block',
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'codeBlock', content: [{ type: 'text', text: 'x', marks: [{ type: 'strong' }] }] }],
      },
    ],
    [
      'a paragraph in a bullet list',
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'bulletList', content: [{ type: 'paragraph', content: [] }] }],
      },
    ],
    [
      'a heading level 7',
      { type: 'doc', version: 1, content: [{ type: 'heading', attrs: { level: 7 }, content: [] }] },
    ],
    [
      'a link to a file path',
      {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: '/etc/passwd' } }] }],
          },
        ],
      },
    ],
  ])('the ADF checks reject %s', (_name, doc) => {
    expect(adfProblems(doc)).not.toEqual([]);
  });
});

describe('jiraCreateIssue', () => {
  it('creates an issue in the project with the dedup label', () => {
    const body = createBody(makeTicketEvent());
    expect(body.fields.project).toEqual({ key: 'OPS' });
    expect(body.fields.issuetype).toEqual({ name: 'Incident' });
    expect(body.fields.summary).toBe('web/nginx-up on web-1: CRITICAL - connection refused');
    expect(body.fields.labels).toEqual(['healops', jiraDedupLabel('healops/web/nginx-up/web-1')]);
    expect(body.fields).not.toHaveProperty('priority');
  });

  it('describes what failed, where, the output, perfdata, repairs and links', () => {
    const { description } = createBody(makeTicketEvent()).fields;
    const text = adfPlainText(description);
    for (const expected of [
      'Target: ',
      'web-1',
      'prod',
      'repair-failed',
      '2026-03-01T09:59:00.000Z',
      'CRITICAL - connection refused\nport 80 closed',
      'Attempt 1: failed',
      'Attempt 2: failed',
      'timed out',
      'Job for nginx.service failed',
      'healops/web/nginx-up/web-1',
    ]) {
      expect(text).toContain(expected);
    }
    const blocks = description.content.map((b) => b.type);
    expect(blocks).toContain('codeBlock');
    expect(blocks).toContain('table');
    expect(blocks).toContain('bulletList');
    const table = description.content.find((b) => b.type === 'table');
    expect(adfPlainText(table)).toBe('Label\nValue\ntime\n0.002s\nsize\n0B\nload\nU');
    expect(adfLinks(description)).toEqual([
      'https://runbooks.example/web/nginx-up',
      'https://status.example/web',
      'https://graphs.example/web-1/nginx.png',
    ]);
  });

  it.each([
    ['short', 'disk full', 'disk full'],
    ['multi-line', 'disk full\n/var at 99%', 'disk full /var at 99%'],
    ['exactly 255', 'x'.repeat(255), 'x'.repeat(255)],
    ['256', 'x'.repeat(256), `${'x'.repeat(254)}…`],
    ['empty', '', 'HealOps problem'],
  ])('keeps a %s summary on one line within 255 characters', (_name, summary, expected) => {
    const body = createBody(makeTicketEvent({ summary }));
    expect(body.fields.summary).toBe(expected);
    expect(body.fields.summary.length).toBeLessThanOrEqual(JIRA_SUMMARY_MAX);
  });

  it.each(SEVERITIES)('maps severity %s to the configured priority', (severity) => {
    const priorities = { critical: 'Highest', error: 'High', warning: 'Medium', info: 'Low' } as const;
    const body = createBody(makeTicketEvent({ severity }), { ...OPTIONS, priorities });
    expect(body.fields.priority).toEqual({ name: priorities[severity] });
  });

  it('sets no priority for a severity left out of the mapping', () => {
    const body = createBody(makeTicketEvent({ severity: 'info' }), {
      ...OPTIONS,
      priorities: { critical: 'Highest' },
    });
    expect(body.fields).not.toHaveProperty('priority');
  });

  it.each([
    [
      'nothing optional',
      {
        output: '',
        perfdata: [],
        repairs: [],
        runbook: undefined,
        links: [],
        imageUrl: undefined,
        detail: '',
      },
    ],
    ['a non-URL runbook', { runbook: 'see wiki page "nginx"' }],
    ['an http link', { links: [{ href: 'http://intranet/x', text: '' }] }],
    ['huge output', { output: 'z'.repeat(100_000) }],
    [
      'many perfdata',
      { perfdata: Array.from({ length: 80 }, (_, i) => ({ label: `p${i}`, value: i, uom: '' })) },
    ],
    ['empty repair output', { repairs: [{ ...makeTicketEvent().repairs[1], output: '' }] }] as const,
  ] as ReadonlyArray<readonly [string, Partial<TicketEvent>]>)(
    'stays well-formed with %s',
    (_name, overrides) => {
      const body = createBody(makeTicketEvent(overrides));
      expect(JSON.stringify(body).length).toBeLessThan(32_767);
    },
  );

  it('cuts huge output with an ellipsis', () => {
    const { description } = createBody(makeTicketEvent({ output: 'z'.repeat(100_000) })).fields;
    const code = description.content.find((b) => b.type === 'codeBlock');
    expect(adfPlainText(code)).toHaveLength(JIRA_OUTPUT_MAX);
    expect(adfPlainText(code).endsWith('…')).toBe(true);
  });

  it('shows a runbook that is not a URL as code, not a link', () => {
    const { description } = createBody(
      makeTicketEvent({ runbook: 'wiki: nginx', links: [], imageUrl: undefined }),
    ).fields;
    expect(adfLinks(description)).toEqual([]);
    expect(adfPlainText(description)).toContain('wiki: nginx');
  });

  it('uses the label prefix for both labels', () => {
    const body = createBody(makeTicketEvent(), { ...OPTIONS, labelPrefix: 'ops bot' });
    expect(body.fields.labels[0]).toBe('ops_bot');
    expect(body.fields.labels[1]).toBe(jiraDedupLabel('healops/web/nginx-up/web-1', 'ops bot'));
    expect(body.fields.labels[1]?.startsWith('ops_bot-')).toBe(true);
  });
});

describe('jiraComment', () => {
  it.each([
    ['update', 'Still failing'],
    ['trigger', 'Still failing'],
    ['resolve', 'Recovered'],
  ] as const)('writes a well-formed %s comment', (action, heading) => {
    const body = jiraComment(makeTicketEvent({ action, status: action === 'resolve' ? 'ok' : 'critical' }));
    expect(openApiProblems('jiraAddComment', body)).toEqual([]);
    expect(adfProblems(body.body)).toEqual([]);
    expect(adfPlainText(body.body)).toContain(heading);
    expect(adfPlainText(body.body)).toContain('healops/web/nginx-up/web-1');
  });

  it('tells on recovery when and with which status, and which repairs ran', () => {
    const text = adfPlainText(jiraComment(makeTicketEvent({ action: 'resolve', status: 'ok' })).body);
    expect(text).toContain('at 2026-03-01T10:01:40.000Z: status OK.');
    expect(text).toContain('Attempt 1: failed');
  });

  it('carries the latest output on recurrence', () => {
    const body = jiraComment(
      makeTicketEvent({ action: 'update', output: 'CRITICAL - 502 from upstream' }),
    ).body;
    expect(adfProblems(body)).toEqual([]);
    expect(adfPlainText(body)).toContain('CRITICAL - 502 from upstream');
  });
});
