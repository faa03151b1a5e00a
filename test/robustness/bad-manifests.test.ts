import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, writePackage } from '../support/cli.js';
import { cli, type Sandbox, sandbox, sh } from './robustness-kit.js';

interface ValidateJson {
  readonly valid: boolean;
  readonly packages: Array<{ name: string }>;
  readonly problems: Array<{ file: string; line: number; col: number; path: string; message: string }>;
}

interface BadManifest {
  readonly name: string;
  /** The whole healops.yaml. */
  readonly manifest: string;
  /** Extra files next to it (checks/ok.sh, an executable OK plugin, is always there). */
  readonly files?: Record<string, string>;
  /** Changes the written package folder (symlinks, modes). */
  readonly setup?: (dir: string, box: Sandbox) => void;
  /** The field the problem is about (`''` for the file as a whole). */
  readonly path: string;
  /** line:col the problem points at; null when it is about the whole file. */
  readonly at: readonly [number, number] | null;
  /** Substrings of the message: what is wrong, and the offending value. */
  readonly says: readonly string[];
}

const HEAD = 'name: bad\nversion: 1.0.0\n';

/** Nine levels of nine aliases: about 387 million strings if anything expanded it. */
function billionLaughs(): string {
  const lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 9; i++) {
    lines.push(`lol${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`);
  }
  return `${HEAD}${lines.join('\n')}\nchecks:\n  - name: a\n    script: checks/ok.sh\n`;
}

const CASES: readonly BadManifest[] = [
  {
    name: 'unknown key (typo shedule)',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    shedule: rate(1 minute)\n`,
    path: 'checks[0].shedule',
    at: [6, 5],
    says: ['unknown field "shedule"', 'did you mean "schedule"'],
  },
  {
    name: 'wrong type: failAfter "two"',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    failAfter: "two"\n`,
    path: 'checks[0].failAfter',
    at: [6, 16],
    says: ['expected a number', '"two"'],
  },
  {
    name: 'wrong type: timeout 10 without a unit',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    timeout: 10\n`,
    path: 'checks[0].timeout',
    at: [6, 14],
    says: ['invalid duration 10', 'bare number', '10s'],
  },
  {
    name: 'script escaping the package with ../',
    manifest: `${HEAD}checks:\n  - name: a\n    script: ../outside/ok.sh\n`,
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"../outside/ok.sh"', 'leaves the package folder'],
  },
  {
    name: 'script given as an absolute path',
    manifest: `${HEAD}checks:\n  - name: a\n    script: /bin/true\n`,
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"/bin/true"', 'not an absolute path'],
  },
  {
    name: 'script that is a symlink pointing outside the package',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/link.sh\n`,
    setup: (dir, box) => {
      const outside = join(box.root, 'outside.sh');
      writeFileSync(outside, sh('echo OK'));
      chmodSync(outside, 0o755);
      symlinkSync(outside, join(dir, 'checks', 'link.sh'));
    },
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"checks/link.sh"', 'outside.sh', 'outside the package folder'],
  },
  {
    name: 'script inside a symlinked folder that leads outside the package',
    manifest: `${HEAD}checks:\n  - name: a\n    script: lib/ok.sh\n`,
    setup: (dir, box) => {
      const outside = join(box.root, 'elsewhere');
      mkdirSync(outside);
      writeFileSync(join(outside, 'ok.sh'), sh('echo OK'));
      chmodSync(join(outside, 'ok.sh'), 0o755);
      symlinkSync(outside, join(dir, 'lib'));
    },
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"lib/ok.sh"', 'elsewhere/ok.sh', 'outside the package folder'],
  },
  {
    name: 'missing script',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/nope.sh\n`,
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"checks/nope.sh"', 'not found'],
  },
  {
    name: 'script that is not executable',
    manifest: `${HEAD}checks:\n  - name: a\n    script: lib/plain.sh\n`,
    files: { 'lib/plain.sh': sh('echo OK') },
    setup: (dir) => chmodSync(join(dir, 'lib', 'plain.sh'), 0o644),
    path: 'checks[0].script',
    at: [5, 13],
    says: ['"lib/plain.sh"', 'not executable', 'chmod +x'],
  },
  {
    name: 'duplicate check names',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n  - name: a\n    script: checks/ok.sh\n`,
    path: 'checks[1].name',
    at: [6, 11],
    says: ['duplicate name "a"', 'checks[0]'],
  },
  {
    name: 'dependsOn naming an unknown check',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    dependsOn: [ghost]\n  - name: b\n    script: checks/ok.sh\n`,
    path: 'checks[0].dependsOn[0]',
    at: [6, 17],
    says: ['unknown check "ghost"', 'b'],
  },
  {
    name: 'dependsOn cycle',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    dependsOn: [b]\n  - name: b\n    script: checks/ok.sh\n    dependsOn: [a]\n`,
    path: 'checks[0].dependsOn',
    at: [6, 16],
    says: ['dependency cycle', 'a → b → a'],
  },
  {
    name: 'bad YAML syntax',
    manifest: `${HEAD}checks:\n  - name: a\n    script: [checks/ok.sh\n    timeout: 10s\n`,
    path: '',
    at: [6, 5],
    says: ['Flow sequence', ']'],
  },
  {
    name: 'empty file',
    manifest: '',
    path: '',
    at: null,
    says: ['file is empty', 'expected a mapping'],
  },
  {
    name: 'bad schedule rate(1 minutes)',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    schedule: rate(1 minutes)\n`,
    path: 'checks[0].schedule',
    at: [6, 15],
    says: ['"rate(1 minutes)"', 'rate(1 minute)'],
  },
  {
    name: 'bad cron in a maintenance window',
    manifest: `${HEAD}checks:\n  - name: a\n    script: checks/ok.sh\n    maintenance:\n      - { cron: "61 * * * *", duration: 1h }\n`,
    path: 'checks[0].maintenance[0].cron',
    at: [7, 17],
    says: ['invalid cron expression "61 * * * *"', 'minute'],
  },
  {
    name: 'undeclared params.x placeholder in a command',
    manifest: `${HEAD}params:\n  port: { default: "80" }\nchecks:\n  - name: a\n    command: [/bin/echo, "\${params.x}"]\n`,
    path: 'checks[0].command[1]',
    at: [7, 26],
    says: [`"\${params.x}"`, 'undeclared parameter "x"', 'declared: port'],
  },
  {
    name: 'YAML bomb (billion laughs aliases)',
    manifest: billionLaughs(),
    path: '',
    at: [4, 12],
    says: ['alias'],
  },
  {
    name: 'a list instead of a mapping',
    manifest: '- name: bad\n  version: 1.0.0\n',
    path: '',
    at: [1, 1],
    says: ['expected a mapping', 'got a list'],
  },
  {
    name: 'unresolved YAML tags',
    manifest: `${HEAD}checks:\n  - name: a\n    script: !shell "rm -rf /"\n`,
    path: '',
    at: [5, 13],
    says: ['Unresolved tag', '!shell'],
  },
];

describe('healops validate on a malformed or hostile healops.yaml', () => {
  it.each(CASES)('$name', async (c) => {
    const box = sandbox();
    const dir = writePackage(box.packages, 'bad', {
      'healops.yaml': c.manifest,
      'checks/ok.sh': sh('echo "OK - fine"'),
      ...c.files,
    });
    c.setup?.(dir, box);
    const file = join(dir, 'healops.yaml');

    // Safety limit: the bomb must be refused, not expanded (expanding would take minutes and gigabytes).
    const [human, machine] = await Promise.all([
      cli(box, ['validate', dir], { timeoutMs: 20_000 }),
      cli(box, ['validate', dir, '--json'], { timeoutMs: 20_000 }),
    ]);

    expect(human.code).toBe(1);
    const where = c.at ? `${file}:${c.at[0]}:${c.at[1]}` : file;
    const line = human.stdout
      .split('\n')
      .find((l) => l.startsWith(`${where}: ${c.path ? `${c.path}: ` : ''}`));
    expect(line, human.stdout).toBeDefined();
    for (const text of c.says) expect(line).toContain(text);

    expect(machine.code).toBe(1);
    const report = json<ValidateJson>(machine);
    expect(report.valid).toBe(false);
    expect(report.packages).toEqual([]);
    const problem = report.problems.find((p) => p.path === c.path && p.file === file);
    expect(problem, JSON.stringify(report.problems)).toBeDefined();
    expect([problem?.line, problem?.col]).toEqual(c.at ? [...c.at] : [0, 0]);
    for (const text of c.says) expect(problem?.message).toContain(text);
  });

  it('refuses a YAML bomb in `run` as well, and still runs the other packages', async () => {
    const box = sandbox();
    writePackage(box.packages, 'bad', { 'healops.yaml': billionLaughs(), 'checks/ok.sh': sh('echo "OK"') });
    writePackage(box.packages, 'good', {
      'healops.yaml': 'name: good\nversion: 1.0.0\nchecks:\n  - name: fine\n    script: checks/ok.sh\n',
      'checks/ok.sh': sh('echo "GOOD OK - fine"'),
    });

    const run = await cli(box, ['run', box.packages, '--once', '--json', '--home', box.home], {
      timeoutMs: 20_000,
    });

    expect(run.code).toBe(2);
    const report = json<{ results: Array<{ check: string; outcome: string }>; errors: string[] }>(run);
    expect(report.results).toMatchObject([{ check: 'fine', outcome: 'ok' }]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toContain(join(box.packages, 'bad', 'healops.yaml'));
    expect(report.errors[0]).toContain('alias');
  });
});

describe('healops validate on a package folder without a usable healops.yaml', () => {
  it('names the folder when healops.yaml is a folder', async () => {
    const box = sandbox();
    mkdirSync(join(box.packages, 'odd', 'healops.yaml'), { recursive: true });
    const result = await cli(box, ['validate', join(box.packages, 'odd')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(join(box.packages, 'odd'));
    expect(result.stdout).toContain('no HealOps package found');
  });
});
