import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/errors.js';
import { parseConfig, parseManifest } from '../src/manifest/parse-manifest.js';
import { brief, yaml } from './support/manifest-text.js';

function problems(text: string): string[] {
  return parseManifest(text, 'pkg/healops.yaml').diagnostics.map(brief);
}

const HEAD = 'name: web\nversion: 1.0.0\n';

describe('parseManifest: YAML-level problems', () => {
  it.each([
    { name: 'an empty file', text: '', expected: ['0:0 file is empty; expected a mapping (healops.yaml)'] },
    {
      name: 'a file with only comments',
      text: '# nothing here\n',
      expected: ['0:0 file is empty; expected a mapping (healops.yaml)'],
    },
    {
      name: 'an explicit empty document',
      text: '---\n',
      expected: ['0:0 file is empty; expected a mapping (healops.yaml)'],
    },
    {
      name: 'a list at the top level',
      text: '- name: web\n',
      expected: ['1:1 expected a mapping at the top level of healops.yaml, got a list'],
    },
    {
      name: 'a scalar at the top level',
      text: 'just some text\n',
      expected: ['1:1 expected a mapping at the top level of healops.yaml, got a single value'],
    },
    {
      name: 'several documents',
      text: `${HEAD}checks: [{ name: a, command: [x] }]\n---\nname: other\n`,
      expected: ['4:1 healops.yaml must hold exactly one YAML document, found 2'],
    },
  ])('reports $name', ({ text, expected }) => {
    const result = parseManifest(text, 'pkg/healops.yaml');
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map(brief)).toEqual(expected);
  });

  it('reports a duplicate key at the second occurrence', () => {
    expect(problems(`${HEAD}checks: [{ name: a, command: [x] }]\nname: again\n`)).toEqual([
      '4:1 Map keys must be unique',
    ]);
  });

  it('reports a syntax error with its position', () => {
    expect(problems(`${HEAD}checks: [{ name: a, command: [x] }\n`)).toEqual([
      '4:1 Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports bad indentation (a tab) with its position', () => {
    const found = problems(`${HEAD}checks:\n\t- name: a\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((line) => /^[1-9]\d*:[1-9]\d* /.test(line))).toBe(true);
    expect(found.some((line) => line.startsWith('4:'))).toBe(true);
  });

  it('reports an unresolved alias', () => {
    expect(problems(`${HEAD}checks: *missing\n`).join('\n')).toMatch(/alias/i);
  });

  it('reports an unknown tag instead of silently reading it as text', () => {
    expect(problems(`${HEAD}description: !secret x\nchecks: [{ name: a, command: [x] }]\n`)).toEqual([
      '3:14 Unresolved tag: !secret',
    ]);
  });

  it('names the file it was given in every diagnostic', () => {
    const result = parseManifest('name: Bad\n', '/srv/pkgs/web/healops.yaml');
    expect(result.diagnostics.length).toBeGreaterThan(1);
    expect(result.diagnostics.every((d) => d.file === '/srv/pkgs/web/healops.yaml')).toBe(true);
  });
});

describe('parseManifest: unknown keys', () => {
  it.each([
    {
      where: 'at the top level',
      text: `${HEAD}chekcs: []\nstats: [{ name: s, command: [x] }]\n`,
      expected: ['3:1 chekcs: unknown field "chekcs" (did you mean "checks"?)'],
    },
    {
      where: 'in a check',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    timout: 5s\n`,
      expected: ['6:5 checks[0].timout: unknown field "timout" (did you mean "timeout"?)'],
    },
    {
      where: 'in defaults (a field only checks have)',
      text: `${HEAD}defaults: { name: x }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: ['3:13 defaults.name: unknown field "name"'],
    },
    {
      where: 'in a repair budget',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    repair: { command: [y], budget: { max: 1, window: 1h } }\n`,
      expected: ['6:47 checks[0].repair.budget.window: unknown field "window"'],
    },
    {
      where: 'in a stats job (a check-only field)',
      text: `${HEAD}stats:\n  - name: s\n    command: [x]\n    repair: { command: [y] }\n`,
      expected: ['6:5 stats[0].repair: unknown field "repair"'],
    },
    {
      where: 'in a parameter',
      text: `${HEAD}params: { port: { defualt: "80" } }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: ['3:19 params.port.defualt: unknown field "defualt" (did you mean "default"?)'],
    },
    {
      where: 'in flap thresholds',
      text: `${HEAD}checks:\n  - { name: a, command: [x], flap: { low: 1, high: 2, window: 21 } }\n`,
      expected: ['4:55 checks[0].flap.window: unknown field "window"'],
    },
    {
      where: 'two at once',
      text: `${HEAD}checks:\n  - { name: a, command: [x], Schedule: x, sevrity: info }\n`,
      expected: [
        '4:30 checks[0].Schedule: unknown field "Schedule" (did you mean "schedule"?)',
        '4:43 checks[0].sevrity: unknown field "sevrity" (did you mean "severity"?)',
      ],
    },
  ])('reports an unknown key $where at the key', ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });
});

describe('parseManifest: reports every problem, not the first', () => {
  it('collects schema, cross-field and placeholder problems of one file together, sorted by position', () => {
    const text = yaml`
      name: Web
      version: one
      params:
        port: { required: true, default: "80" }
      checks:
        - name: a
          script: ../a.sh
          command: [x, "\${params.nope}"]
          timeout: 10 secs
          dependsOn: [b]
        - name: b
          dependsOn: [a]
          command: [y]
          flap: yes
      stats:
        - name: a
          sript: s.sh
    `;
    expect(problems(text)).toEqual([
      '1:7 name: invalid name "Web" (lowercase letters, digits and "-", starting with a letter, at most 64 characters)',
      '2:10 version: invalid version "one" (expected a semantic version such as 1.0.0)',
      '4:36 params.port.default: parameter "port" is required and has a default; drop one (required means "no default")',
      '7:13 checks[0].script: script "../a.sh" leaves the package folder',
      '8:14 checks[0].command: "a" has both script and command; keep one',
      `8:18 checks[0].command[1]: "\${params.nope}" names an undeclared parameter "nope" (declared: port)`,
      '9:14 checks[0].timeout: invalid duration "10 secs" (expected e.g. 500ms, 10s, 5m, 1h)',
      '10:16 checks[0].dependsOn: dependency cycle: a → b → a',
      '14:11 checks[1].flap: expected true/false or a mapping, got "yes"',
      '16:5 stats[0]: "a" needs a script (a file in the package) or a command',
      '16:11 stats[0].name: duplicate name "a" (also checks[0]); check and stats names must be unique',
      '17:5 stats[0].sript: unknown field "sript" (did you mean "script"?)',
    ]);
  });
});

describe('parseConfig', () => {
  it('accepts a full config, with metrics and the tickets routes of the issue', () => {
    const result = parseConfig(
      yaml`
        packages: [./catalog/linux-base, ./my-packages]
        environment: staging
        params: { http-endpoint: { url: https://example.org/health, retries: 3, verbose: true } }
        metrics: []
        tickets:
          - type: pagerduty
            routingKey: env:PAGERDUTY_ROUTING_KEY
            url: https://events.pagerduty.com/v2/enqueue
            severities: [critical, error]
          - type: jira
            baseUrl: https://example.atlassian.net
            project: OPS
            issueType: Incident
            email: env:JIRA_EMAIL
            apiToken: env:JIRA_API_TOKEN
            resolveTransition: Done
          - type: webhook
            url: https://hooks.example/healops
            secret: env:HEALOPS_WEBHOOK_SECRET
      `,
      'healops.config.yaml',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toMatchObject({
      packages: ['./catalog/linux-base', './my-packages'],
      environment: 'staging',
      params: { 'http-endpoint': { url: 'https://example.org/health', retries: 3, verbose: true } },
      metrics: [],
    });
    expect(result.value?.tickets?.map((t) => t.type)).toEqual(['pagerduty', 'jira', 'webhook']);
  });

  it.each([
    {
      name: 'a literal secret',
      route: '{ type: webhook, url: "https://h.example/x", secret: s3cr3t-value }',
      message:
        'tickets[0].secret: expected a secret reference env:NAME, ssm:/path or secretsmanager:name, got a literal value',
    },
    {
      name: 'plain http to another host',
      route: '{ type: webhook, url: "http://hooks.example/x", secret: "env:S" }',
      message: 'tickets[0].url: tickets carry secrets and check output: use https (http only to localhost)',
    },
    {
      name: 'credentials in the URL',
      route: '{ type: webhook, url: "https://u:pw@hooks.example/x", secret: "env:S" }',
      message: 'credentials must not be written in the URL',
    },
    {
      name: 'an unknown route type',
      route: '{ type: slack, url: "https://h.example" }',
      message: 'tickets[0].type',
    },
    {
      name: 'an unknown severity',
      route: '{ type: pagerduty, routingKey: "env:K", severities: [urgent] }',
      message: 'tickets[0].severities[0]',
    },
    {
      name: 'a Jira project that is not a key',
      route:
        '{ type: jira, baseUrl: "https://x.atlassian.net", project: ops team, issueType: Bug, email: "env:E", apiToken: "env:T" }',
      message: 'tickets[0].project: expected a Jira project key such as OPS',
    },
  ])('rejects a ticket route with $name', ({ route, message }) => {
    const result = parseConfig(`packages: [x]\ntickets:\n  - ${route}\n`, 'healops.config.yaml');
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map(formatDiagnostic).join('\n')).toContain(message);
    expect(result.diagnostics.map(formatDiagnostic).join('\n')).not.toContain('pw@');
  });

  it('rejects two ticket routes with one name', () => {
    const result = parseConfig(
      'packages: [x]\ntickets:\n  - { type: pagerduty, routingKey: "env:A" }\n  - { type: pagerduty, routingKey: "env:B" }\n',
      'healops.config.yaml',
    );
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringContaining(
        'tickets[1]: ticket route name "pagerduty" is already used by tickets[0]; give each route its own name',
      ),
    ]);
  });

  it.each([
    {
      name: 'missing packages',
      text: 'environment: x\n',
      expected: ['1:1 packages: missing required field "packages"'],
    },
    {
      name: 'an empty package list',
      text: 'packages: []\n',
      expected: ['1:11 packages: list at least one package folder'],
    },
    {
      name: 'an empty package path',
      text: 'packages: [""]\n',
      expected: ['1:12 packages[0]: a package path must not be empty'],
    },
    {
      name: 'an unknown top-level key',
      text: 'packages: [a]\nparam: {}\n',
      expected: ['2:1 param: unknown field "param" (did you mean "params"?)'],
    },
    {
      name: 'a bad package name under params',
      text: 'packages: [a]\nparams: { Web: { port: 1 } }\n',
      expected: [
        '2:11 params.Web: invalid name "Web" (lowercase letters, digits and "-", starting with a letter, at most 64 characters)',
      ],
    },
    {
      name: 'a parameter value that is a mapping',
      text: 'packages: [a]\nparams: { web: { port: { value: 1 } } }\n',
      expected: ['2:24 params.web.port: expected a string, a number or true/false, got a mapping'],
    },
    {
      name: 'reserved sections must be lists',
      text: 'packages: [a]\nmetrics: { sink: sqlite }\n',
      expected: ['2:10 metrics: expected a list, got a mapping'],
    },
  ])('reports $name', ({ text, expected }) => {
    expect(parseConfig(text, 'healops.config.yaml').diagnostics.map(brief)).toEqual(expected);
  });

  it('names healops.config.yaml in YAML-level messages', () => {
    expect(parseConfig('- a\n', 'c.yaml').diagnostics.map(brief)).toEqual([
      '1:1 expected a mapping at the top level of healops.config.yaml, got a list',
    ]);
  });
});
