import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, json, type RunJson, scratch, writePackage } from '../support/cli.js';
import { addPackage, cli, resultOf, type Sandbox, sandbox, sh } from './robustness-kit.js';

/** Clear screen, retitle the window (OSC ... BEL), a carriage return and a C1 CSI (U+009B), as a check prints them. */
const HOSTILE = 'EVIL CRITICAL - \u001b[2J\u001b]0;owned\u0007 back\rC1\u009bx';
/** The same as octal escapes for dash's printf (no \x); U+009B is the UTF-8 bytes 302 233. */
const HOSTILE_PRINTF = 'EVIL CRITICAL - \\033[2J\\033]0;owned\\007 back\\rC1\\302\\233x';
/** HOSTILE as a terminal must show it: without its control characters. */
const SHOWN = 'EVIL CRITICAL - [2J]0;owned backC1x';
/** What a terminal must not get: any C0 control but newline and tab, DEL, any C1 control. */
const CONTROL = /[^\P{Cc}\t\n]/u;

interface StatusJson {
  readonly problems: Array<{ check: string; lastOutput: string }>;
}
interface AuditJson {
  readonly message: string;
}
interface CheckJson {
  readonly summary: string;
  readonly longOutput: string;
}

function hostilePackage(box: Sandbox): void {
  addPackage(
    box,
    'evil',
    `
checks:
  - name: hostile
    script: checks/hostile.sh
    repair: { script: repairs/fail.sh, verifyAfter: 0s }
  - name: sneaky
    script: checks/sneaky.sh
  - name: broken-path
    command: ["/no/such/dir/line1\\nline2\\e[2J"]
`,
    {
      'checks/hostile.sh': sh(`printf '${HOSTILE_PRINTF} | good=1\\nlong \\033[1mline\\ttab\\n'\nexit 2`),
      'checks/sneaky.sh': sh(`printf 'SNEAKY OK - \\033]0;owned\\007 fine\\n'\nexit 0`),
      'repairs/fail.sh': sh(`printf 'fixing \\033]0;pwn\\007\\n'\nexit 1`),
    },
  );
}

function expectClean(result: CliResult): void {
  expect(result.stdout).not.toMatch(CONTROL);
  expect(result.stderr).not.toMatch(CONTROL);
}

describe('control characters printed by a check', () => {
  // One home with the hostile results recorded, shared by the read-only commands below.
  const { dir, cleanup } = scratch('healops-robust-');
  const root = realpathSync(dir);
  const box: Sandbox = { root, packages: join(root, 'packages'), home: join(root, 'home') };
  let firstRun: CliResult;

  beforeAll(async () => {
    hostilePackage(box);
    firstRun = await cli(box, ['run', box.packages, '--once', '--home', box.home]);
  });
  afterAll(cleanup);

  it('do not reach the terminal from `run` (progress lines and summary table)', () => {
    expect(firstRun.code).toBe(1);
    expectClean(firstRun);
    expect(firstRun.stdout).toContain('SNEAKY OK - ]0;owned fine');
  });

  it.each([
    ['status', SHOWN],
    ['audit', SHOWN],
    ['metrics', 'healops.perf.good'],
  ])('do not reach the terminal from `%s`', async (command, shows) => {
    const result = await cli(box, [command, '--home', box.home]);

    expect(result.code, result.stderr).toBe(0);
    expectClean(result);
    expect(result.stdout).toContain(shows);
  });

  it('do not split a table row: a newline inside a cell is shown as a space', async () => {
    const audit = await cli(box, ['audit', '--home', box.home]);

    expect(audit.stdout).toMatch(
      /evil\/broken-path .* cannot start \/no\/such\/dir\/line1 line2\[2J: ENOENT/,
    );
  });

  it('do not reach the terminal from `check`, which keeps newlines and tabs', async () => {
    const check = await cli(box, ['check', 'evil/hostile', box.packages, '--home', box.home]);

    expect(check.code).toBe(2);
    expectClean(check);
    expect(check.stdout).toContain(SHOWN);
    expect(check.stdout).toContain('long [1mline\ttab');
  });

  it('stay exact in --json output', async () => {
    const run = json<RunJson>(await cli(box, ['run', box.packages, '--once', '--json', '--home', box.home]));
    expect(resultOf(run, 'hostile').summary).toBe(HOSTILE);
    expect(resultOf(run, 'sneaky').summary).toBe('SNEAKY OK - \u001b]0;owned\u0007 fine');

    const status = json<StatusJson>(await cli(box, ['status', '--json', '--home', box.home]));
    expect(status.problems.find((p) => p.check === 'hostile')?.lastOutput).toContain(HOSTILE);

    const audit = json<AuditJson[]>(await cli(box, ['audit', '--json', '--home', box.home]));
    expect(audit.map((e) => e.message)).toContain(HOSTILE);

    const check = json<CheckJson>(
      await cli(box, ['check', 'evil/hostile', box.packages, '--json', '--home', box.home]),
    );
    expect(check.summary).toBe(HOSTILE);
    expect(check.longOutput).toBe('long \u001b[1mline\ttab');
  });
});

describe('control characters in a package folder name', () => {
  it('do not reach the terminal from `validate`, and stay exact in --json', async () => {
    const box = sandbox();
    writePackage(box.packages, 'odd\u001b[2J', {
      'healops.yaml': 'name: odd\nversion: not-semver\nchecks:\n  - name: x\n    command: [/bin/true]\n',
    });

    const result = await cli(box, ['validate', box.packages]);

    expect(result.code).toBe(1);
    expectClean(result);
    expect(result.stdout).toContain('odd[2J/healops.yaml:2:10: version:');

    const validate = json<{ problems: Array<{ file: string }> }>(
      await cli(box, ['validate', box.packages, '--json']),
    );
    expect(validate.problems.map((p) => p.file)).toEqual([`${box.packages}/odd\u001b[2J/healops.yaml`]);
  });
});
