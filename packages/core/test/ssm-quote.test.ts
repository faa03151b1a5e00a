import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shQuote, shWord, templateParts } from '../src/ssm/sh-quote.js';

/** What /bin/sh makes of `words`: each resulting argument on its own, NUL-separated. */
function shArgs(words: string, env: Readonly<Record<string, string>> = {}): string[] {
  const result = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${words}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

const HOSTILE = [
  { name: 'plain text', value: 'check_http' },
  { name: 'an empty string', value: '' },
  { name: 'spaces', value: 'a b  c' },
  { name: 'a single quote', value: "it's" },
  { name: 'only quotes', value: `'"'"` },
  { name: 'a newline', value: 'line1\nline2\n' },
  { name: 'command substitution', value: '$(touch /tmp/healops-pwned)' },
  { name: 'backticks', value: '`touch /tmp/healops-pwned`' },
  { name: 'a command separator', value: "x'; rm -rf / ; echo '" },
  { name: 'variables and globs', value: '$HOME ${PATH} * ?' },
  { name: 'SSM parameter syntax', value: '{{ job }} {{ssm:/secret}} {{{x}}}' },
  { name: 'backslashes', value: 'a\\b\\\\' },
  { name: 'unicode', value: 'héllo ✓ 😀' },
];

describe('shQuote', () => {
  it.each(HOSTILE)('gives /bin/sh back $name verbatim', ({ value }) => {
    expect(shArgs(shQuote(value))).toEqual([value]);
  });

  it.each(HOSTILE)('never writes "{{" (SSM would substitute it) for $name', ({ value }) => {
    expect(shQuote(value)).not.toContain('{{');
  });

  it.each([
    { value: 'abc', quoted: "'abc'" },
    { value: "it's", quoted: `'it'\\''s'` },
    { value: '{{x', quoted: `'{''{''x'` },
    { value: '', quoted: "''" },
  ])('quotes $value as $quoted', ({ value, quoted }) => {
    expect(shQuote(value)).toBe(quoted);
  });
});

describe('templateParts', () => {
  it.each([
    { template: 'plain', parts: [{ text: 'plain' }] },
    { template: '', parts: [] },
    { template: '${params.port}', parts: [{ param: 'port' }] },
    {
      template: 'x${params.a}y${params.b}',
      parts: [{ text: 'x' }, { param: 'a' }, { text: 'y' }, { param: 'b' }],
    },
    { template: '$${HOME}/x', parts: [{ text: '${HOME}/x' }] },
    { template: 'a${other}b', parts: [{ text: 'a${other}b' }] },
  ])('reads $template as substituteParams does', ({ template, parts }) => {
    expect(templateParts(template)).toEqual(parts);
  });
});

describe('shWord', () => {
  it.each<{ template: string; env: Record<string, string>; expected: string }>([
    {
      template: 'http://h:${params.port}/x',
      env: { HEALOPS_PARAM_PORT: '8080' },
      expected: 'http://h:8080/x',
    },
    { template: '${params.port}', env: {}, expected: '' },
    { template: '$${HOME}', env: {}, expected: '${HOME}' },
    { template: '', env: {}, expected: '' },
    {
      template: '-w${params.v}',
      env: { HEALOPS_PARAM_V: "1 2'; touch /tmp/healops-pwned; echo $(id) *" },
      expected: "-w1 2'; touch /tmp/healops-pwned; echo $(id) *",
    },
  ])('expands $template from the environment as one word', ({ template, env, expected }) => {
    expect(shArgs(shWord(template), env)).toEqual([expected]);
  });
});
