import { describe, expect, it } from 'vitest';
import { HEAD, problems } from './support/manifest-problems.js';
import { yaml } from './support/manifest-text.js';

// parseManifest's schema: script and command, and rules across fields. A valid manifest and single-field rules:
// manifest-schema-fields.test.ts.

describe('parseManifest: script and command', () => {
  it.each([
    {
      rule: 'neither script nor command',
      text: `${HEAD}checks:\n  - name: a\n    timeout: 5s\n`,
      expected: ['4:5 checks[0]: "a" needs a script (a file in the package) or a command'],
    },
    {
      rule: 'both script and command',
      text: `${HEAD}checks:\n  - name: a\n    script: a.sh\n    command: [x]\n`,
      expected: ['6:14 checks[0].command: "a" has both script and command; keep one'],
    },
    {
      rule: 'repair needs one of them too',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    repair: { timeout: 5s }\n`,
      expected: [
        '6:13 checks[0].repair: the repair of "a" needs a script (a file in the package) or a command',
      ],
    },
    {
      rule: 'command must not be empty',
      text: `${HEAD}checks:\n  - name: a\n    command: []\n`,
      expected: ['5:14 checks[0].command: command must list at least the program to run'],
    },
    {
      rule: 'command is a list of strings',
      text: `${HEAD}checks:\n  - name: a\n    command: [check_tcp, -p, 80]\n`,
      expected: ['5:30 checks[0].command[2]: expected a string, got 80 (quote it: "80")'],
    },
    {
      rule: 'command is a list, not a string',
      text: `${HEAD}checks:\n  - name: a\n    command: check_tcp -p 80\n`,
      expected: ['5:14 checks[0].command: expected a list, got "check_tcp -p 80"'],
    },
    {
      rule: 'program must not be blank',
      text: `${HEAD}checks:\n  - name: a\n    command: [" ", x]\n`,
      expected: ['5:15 checks[0].command[0]: the program (first item) must not be empty'],
    },
    {
      rule: 'absolute script path',
      text: `${HEAD}checks:\n  - name: a\n    script: /bin/true\n`,
      expected: [
        '5:13 checks[0].script: script "/bin/true" must be a path relative to the package folder, not an absolute path',
      ],
    },
    {
      rule: 'script climbing out with ..',
      text: `${HEAD}checks:\n  - name: a\n    script: checks/../../etc/passwd\n`,
      expected: ['5:13 checks[0].script: script "checks/../../etc/passwd" leaves the package folder'],
    },
    {
      rule: 'backslashes in script',
      text: `${HEAD}checks:\n  - name: a\n    script: '..\\..\\evil.sh'\n`,
      expected: [
        '5:13 checks[0].script: script "..\\\\..\\\\evil.sh" contains a backslash; use forward slashes (checks/run.sh)',
      ],
    },
    {
      rule: 'Windows drive path',
      text: `${HEAD}checks:\n  - name: a\n    script: "C:/evil.ps1"\n`,
      expected: [
        '5:13 checks[0].script: script "C:/evil.ps1" must be a path relative to the package folder, not an absolute path',
      ],
    },
    {
      rule: 'script naming the package folder',
      text: `${HEAD}checks:\n  - name: a\n    script: checks/..\n`,
      expected: ['5:13 checks[0].script: script "checks/.." must name a file, not a folder'],
    },
    {
      rule: 'stats job script escapes',
      text: `${HEAD}stats:\n  - name: s\n    script: ../s.sh\n`,
      expected: ['5:13 stats[0].script: script "../s.sh" leaves the package folder'],
    },
  ])('$rule', ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });

  it('allows .. segments that stay inside the package', () => {
    expect(problems(`${HEAD}checks:\n  - name: a\n    script: checks/../bin/a.sh\n`)).toEqual([]);
  });
});

describe('parseManifest: cross-field rules', () => {
  it.each([
    {
      rule: 'duplicate names across checks and stats',
      text: `${HEAD}checks:\n  - { name: a, command: [x] }\n  - { name: a, command: [y] }\nstats:\n  - { name: a, command: [z] }\n`,
      expected: [
        '5:13 checks[1].name: duplicate name "a" (also checks[0]); check and stats names must be unique',
        '7:13 stats[0].name: duplicate name "a" (also checks[0]); check and stats names must be unique',
      ],
    },
    {
      rule: 'dependsOn an unknown check',
      text: `${HEAD}checks:\n  - { name: a, command: [x], dependsOn: [nope] }\n  - { name: b, command: [y] }\n`,
      expected: ['4:42 checks[0].dependsOn[0]: unknown check "nope" (checks in this package: b)'],
    },
    {
      rule: 'dependsOn a stats job',
      text: `${HEAD}checks:\n  - { name: a, command: [x], dependsOn: [s] }\nstats:\n  - { name: s, command: [y] }\n`,
      expected: ['4:42 checks[0].dependsOn[0]: unknown check "s" (checks in this package: none)'],
    },
    {
      rule: 'dependsOn itself',
      text: `${HEAD}checks:\n  - { name: a, command: [x], dependsOn: [a] }\n`,
      expected: ['4:42 checks[0].dependsOn[0]: check "a" cannot depend on itself'],
    },
    {
      rule: 'dependsOn listing a check twice',
      text: `${HEAD}checks:\n  - { name: a, command: [x], dependsOn: [b, b] }\n  - { name: b, command: [y] }\n`,
      expected: ['4:45 checks[0].dependsOn[1]: "b" is listed twice'],
    },
    {
      rule: 'dependsOn cycle',
      text: yaml`
        name: web
        version: 1.0.0
        checks:
          - { name: a, command: [x], dependsOn: [c] }
          - { name: b, command: [x], dependsOn: [a] }
          - { name: c, command: [x], dependsOn: [b] }
          - { name: d, command: [x], dependsOn: [a] }
      `,
      expected: ['4:41 checks[0].dependsOn: dependency cycle: a → c → b → a'],
    },
    {
      rule: 'undeclared parameter in a command',
      text: `${HEAD}params: { port: { default: "80" } }\nchecks:\n  - name: a\n    command: [x, "\${params.prot}"]\n`,
      expected: [
        `6:18 checks[0].command[1]: "\${params.prot}" names an undeclared parameter "prot" (declared: port)`,
      ],
    },
    {
      rule: 'undeclared parameter in a repair command, no params at all',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    repair: { command: [fix, "--port=\${params.port}"] }\n`,
      expected: [
        `6:30 checks[0].repair.command[1]: "\${params.port}" names an undeclared parameter "port" (the package declares no params)`,
      ],
    },
    {
      rule: 'unsupported placeholder',
      text: `${HEAD}checks:\n  - name: a\n    command: [x, "\${param.port}", "\${HOME}"]\n`,
      expected: [
        `5:18 checks[0].command[1]: unsupported placeholder "\${param.port}" (only \${params.<name>} is supported; write $\${ for a literal \${)`,
        `5:35 checks[0].command[2]: unsupported placeholder "\${HOME}" (only \${params.<name>} is supported; write $\${ for a literal \${)`,
      ],
    },
    {
      rule: 'parameter both required and defaulted',
      text: `${HEAD}params:\n  url: { required: true, default: "http://x" }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: [
        '4:35 params.url.default: parameter "url" is required and has a default; drop one (required means "no default")',
      ],
    },
  ])('$rule', ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });

  it(`accepts an escaped placeholder ($\${...}) as literal text`, () => {
    expect(problems(`${HEAD}checks:\n  - name: a\n    command: [sh, -c, "echo $\${HOME}"]\n`)).toEqual([]);
  });
});
