import { describe, expect, it } from 'vitest';
import { jiraDedupLabel, jiraLabelSafe } from '../src/tickets/jira-label.js';
import { jiraSearchOpen, jiraTransition, jqlString } from '../src/tickets/jira-search.js';
import { openApiProblems } from './support/tickets-openapi.js';

/** Reads one JQL string literal from the start of `jql` the way JQL does; returns the value and the rest. */
function readJqlString(jql: string): { value: string; rest: string } {
  if (!jql.startsWith('"')) throw new Error(`not a string literal: ${jql}`);
  const escapes: Record<string, string> = {
    '\\': '\\',
    '"': '"',
    "'": "'",
    n: '\n',
    r: '\r',
    t: '\t',
    ' ': ' ',
  };
  let value = '';
  for (let i = 1; i < jql.length; i++) {
    const c = jql[i];
    if (c === '"') return { value, rest: jql.slice(i + 1) };
    if (c === '\\') {
      const next = jql[i + 1] ?? '';
      const mapped = escapes[next];
      if (mapped === undefined) throw new Error(`bad escape \\${next}`);
      value += mapped;
      i++;
    } else {
      value += c;
    }
  }
  throw new Error(`unterminated literal: ${jql}`);
}

describe('jqlString', () => {
  it.each([
    ['plain', 'OPS', '"OPS"'],
    ['double quote', 'a"b', '"a\\"b"'],
    ['backslash', 'a\\b', '"a\\\\b"'],
    ['backslash before quote', 'a\\"', '"a\\\\\\""'],
    ['trailing backslash', 'a\\', '"a\\\\"'],
    ['injection attempt', 'OPS" OR project != "x', '"OPS\\" OR project != \\"x"'],
    ['newline and tab', 'a\nb\tc\r', '"a\\nb\\tc\\r"'],
    ['single quote kept', "it's", '"it\'s"'],
  ])('quotes %s', (_name, value, expected) => {
    const quoted = jqlString(value);
    expect(quoted).toBe(expected);
    expect(readJqlString(quoted)).toEqual({ value, rest: '' });
  });
});

describe('jiraSearchOpen', () => {
  it('finds the open issue of the problem by project and dedup label', () => {
    const body = jiraSearchOpen('healops/web/nginx-up/web-1', 'OPS');
    expect(openApiProblems('jiraSearchJql', body)).toEqual([]);
    const label = jiraDedupLabel('healops/web/nginx-up/web-1');
    expect(body.jql).toBe(
      `project = "OPS" AND labels = "${label}" AND statusCategory != Done ORDER BY created ASC`,
    );
    expect(body.fields).toEqual(expect.arrayContaining(['status', 'labels']));
  });

  it.each([
    ['quote in the project', 'O"PS'],
    ['backslash in the project', 'O\\PS'],
    ['injection in the project', 'OPS" OR project is not EMPTY OR project = "'],
  ])('keeps the project one literal with a %s', (_name, project) => {
    const body = jiraSearchOpen('healops/a/b/c', project);
    expect(openApiProblems('jiraSearchJql', body)).toEqual([]);
    const afterProject = body.jql.slice('project = '.length);
    const { value, rest } = readJqlString(afterProject);
    expect(value).toBe(project);
    expect(rest.startsWith(' AND labels = "healops-')).toBe(true);
  });

  it('searches with the same label the issue was created with, whatever the prefix', () => {
    const body = jiraSearchOpen('healops/a/b/c', 'OPS', 'my team');
    expect(body.jql).toContain(`labels = "${jiraDedupLabel('healops/a/b/c', 'my team')}"`);
  });
});

describe('jiraDedupLabel', () => {
  it.each([
    ['healops/web/nginx-up/web-1', /^healops-web_nginx-up_web-1-[0-9a-f]{16}$/],
    ['healops/db/disk free/db 1', /^healops-db_disk_free_db_1-[0-9a-f]{16}$/],
    ['healops/ünï/cödé/ホスト', /^healops-n_c_d-[0-9a-f]{16}$/],
    ['///', /^healops-[0-9a-f]{16}$/],
    [`healops/${'x'.repeat(400)}`, /^healops-x{100}-[0-9a-f]{16}$/],
  ])('makes a safe label of %s', (key, pattern) => {
    const label = jiraDedupLabel(key);
    expect(label).toMatch(pattern);
    expect(label).toMatch(/^[A-Za-z0-9._-]{1,255}$/);
  });

  it('is stable across calls and tells apart keys that sanitize alike', () => {
    expect(jiraDedupLabel('healops/a/b c/d')).toBe(jiraDedupLabel('healops/a/b c/d'));
    expect(jiraDedupLabel('healops/a/b c/d')).not.toBe(jiraDedupLabel('healops/a/b_c/d'));
    expect(jiraDedupLabel('healops/a/b/c')).not.toBe(jiraDedupLabel('healops/a/B/c'));
  });

  it('pins the hash so labels survive upgrades', () => {
    expect(jiraDedupLabel('healops/web/nginx-up/web-1')).toMatchInlineSnapshot(
      `"healops-web_nginx-up_web-1-0b121ddc4dbe36ec"`,
    );
  });

  it.each([
    ['a b', 'a_b'],
    ['  a  ', 'a'],
    ['a/b:c', 'a_b_c'],
    ['ok.label-1_x', 'ok.label-1_x'],
  ])('sanitizes %j to %j', (input, expected) => {
    expect(jiraLabelSafe(input)).toBe(expected);
  });
});

describe('jiraTransition', () => {
  it('names the transition by id', () => {
    const body = jiraTransition('31');
    expect(openApiProblems('jiraTransition', body)).toEqual([]);
    expect(body).toEqual({ transition: { id: '31' } });
  });
});
