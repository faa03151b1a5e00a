import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../support/cli.js';
import { addPackage, cli, plugin, resultOf, runOnce, sandbox } from './robustness-kit.js';

interface ValidateJson {
  readonly valid: boolean;
  readonly packages: Array<{ name: string; checks: number }>;
  readonly problems: Array<{ file: string; line: number; path: string; message: string }>;
}

function brokenAndGood() {
  const box = sandbox();
  addPackage(
    box,
    'broken',
    `
checks:
  - name: x
    script: checks/missing.sh
    failAfter: zero
`,
  );
  addPackage(
    box,
    'good',
    `
checks:
  - name: fine
    script: checks/fine.sh
  - name: also-fine
    command: [/bin/echo, "ECHO OK - from a command"]
`,
    { 'checks/fine.sh': plugin('GOOD OK - fine') },
  );
  return { box, brokenManifest: join(box.packages, 'broken', 'healops.yaml') };
}

describe('a folder holding one broken package and one good one', () => {
  it('`run --once --json` runs the good checks, reports the broken package in errors and exits 2 (a configuration error)', async () => {
    const { box, brokenManifest } = brokenAndGood();

    const run = await runOnce(box);

    expect(run.code).toBe(2);
    expect(run.report.results.map((r) => `${r.package}/${r.check}`).sort()).toEqual([
      'good/also-fine',
      'good/fine',
    ]);
    expect(resultOf(run.report, 'fine')).toMatchObject({ outcome: 'ok', summary: 'GOOD OK - fine' });
    expect(resultOf(run.report, 'also-fine')).toMatchObject({
      outcome: 'ok',
      summary: 'ECHO OK - from a command',
    });
    expect(run.report.errors).toEqual([
      expect.stringContaining(`${brokenManifest}:5:13: checks[0].script:`),
      expect.stringContaining(`${brokenManifest}:6:16: checks[0].failAfter:`),
    ]);
    // The problems also go to stderr, so a human running without --json sees them too.
    expect(run.stderr).toContain(brokenManifest);
  });

  it('`validate` exits 1, prints the problems and still lists the good package', async () => {
    const { box, brokenManifest } = brokenAndGood();

    const [human, machine] = await Promise.all([
      cli(box, ['validate', box.packages]),
      cli(box, ['validate', box.packages, '--json']),
    ]);

    expect(human.code).toBe(1);
    expect(human.stdout).toContain(
      `${brokenManifest}:5:13: checks[0].script: script "checks/missing.sh" not found`,
    );
    expect(human.stdout).toMatch(/good 1\.0\.0: 2 checks/);
    expect(human.stdout).toContain('2 problems found');

    expect(machine.code).toBe(1);
    const report = json<ValidateJson>(machine);
    expect(report.valid).toBe(false);
    expect(report.packages).toMatchObject([{ name: 'good', checks: 2 }]);
    expect(report.problems.map((p) => [p.file, p.line, p.path])).toEqual([
      [brokenManifest, 5, 'checks[0].script'],
      [brokenManifest, 6, 'checks[0].failAfter'],
    ]);
  });

  it('`run` with only the broken package exits 2: there is nothing valid to run', async () => {
    const { box, brokenManifest } = brokenAndGood();

    const run = await cli(box, ['run', join(box.packages, 'broken'), '--once', '--json', '--home', box.home]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(brokenManifest);
    expect(run.stderr).toContain('no valid package');
  });
});
