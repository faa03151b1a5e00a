import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, REPO } from '../support/cli.js';
import { addPackage, cli, plugin, type Sandbox, sandbox, sh, stateDir } from './robustness-kit.js';

const CODES = [0, 1, 2, 3] as const;

function codesPackage(box: Sandbox): void {
  const checks = CODES.map(
    (code) =>
      `  - name: exit-${code}\n    script: checks/exit-${code}.sh\n    repair: { script: repairs/mark.sh, verifyAfter: 0s }`,
  );
  const files: Record<string, string> = { 'repairs/mark.sh': sh('touch "$HEALOPS_STATE_DIR/repaired"') };
  for (const code of CODES) files[`checks/exit-${code}.sh`] = plugin(`PLUGIN ${code} - exits ${code}`, code);
  addPackage(box, 'codes', `checks:\n${checks.join('\n')}`, files);
  addPackage(
    box,
    'needs-token',
    `
params:
  token: { required: true }
checks:
  - name: uses-token
    script: checks/uses-token.sh
`,
    { 'checks/uses-token.sh': plugin('TOKEN OK') },
  );
}

describe('healops check PKG/CHECK', () => {
  // One value per %i: the plugin's exit code and the expected exit code of `healops check` are the same.
  it.each(CODES.map((code) => [code, code] as const))(
    'exits %i when the plugin exits %i, and never repairs',
    async (code) => {
      const box = sandbox();
      codesPackage(box);

      const result = await cli(box, ['check', `codes/exit-${code}`, box.packages, '--home', box.home]);

      expect(result.code).toBe(code);
      expect(result.stdout).toContain(`PLUGIN ${code} - exits ${code}`);
      expect(existsSync(join(stateDir(box, 'codes'), 'repaired'))).toBe(false);
    },
  );

  it('records no state: `status` stays green after a CRITICAL', async () => {
    const box = sandbox();
    codesPackage(box);

    expect((await cli(box, ['check', 'codes/exit-2', box.packages, '--home', box.home])).code).toBe(2);

    const status = await cli(box, ['status', '--json', '--home', box.home]);
    expect(json<{ dot: string; problems: unknown[] }>(status)).toEqual({
      dot: 'green',
      problems: [],
      tickets: { pending: 0, dead: 0 },
    });
  });

  it("exits 2 on an unknown check, listing the package's checks", async () => {
    const box = sandbox();
    codesPackage(box);

    const result = await cli(box, ['check', 'codes/nope', box.packages, '--home', box.home]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"nope"');
    expect(result.stderr).toContain('exit-0, exit-1, exit-2, exit-3');
  });

  it('exits 2 on an unknown package and on a reference that is not PKG/CHECK', async () => {
    const box = sandbox();
    codesPackage(box);

    const ghost = await cli(box, ['check', 'ghost/x', box.packages, '--home', box.home]);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toContain('"ghost"');

    const malformed = await cli(box, ['check', 'codes', box.packages, '--home', box.home]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('PACKAGE/CHECK');
  });

  it('exits 3 (UNKNOWN) without running anything for a check of another platform', async () => {
    const box = sandbox();
    addPackage(
      box,
      'win-only',
      `
platform: windows
checks:
  - name: marks
    script: checks/marks.sh
`,
      { 'checks/marks.sh': sh('touch "$HEALOPS_STATE_DIR/ran"\necho "MARK OK - ran"') },
    );

    const result = await cli(box, ['check', 'win-only/marks', box.packages, '--home', box.home]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('win-only/marks is not run on this platform');
    expect(result.stderr).toContain('platform windows');
    expect(result.stderr).toContain('linux');
    // Nothing ran and no state was touched: the home (where the script would have left its mark) was never made.
    expect(existsSync(box.home)).toBe(false);
  });

  it("exits 3 for the catalog's windows-base/disk-free on Linux instead of trying its .ps1", async () => {
    const box = sandbox();

    const result = await cli(box, [
      'check',
      'windows-base/disk-free',
      join(REPO, 'catalog'),
      '--home',
      box.home,
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('windows-base/disk-free is not run on this platform');
    expect(`${result.stdout}${result.stderr}`).not.toContain('exit code 127');
  });

  it('exits 3 (UNKNOWN) naming the missing required param', async () => {
    const box = sandbox();
    codesPackage(box);

    const result = await cli(box, ['check', 'needs-token/uses-token', box.packages, '--home', box.home]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('"token"');
    expect(result.stderr).toContain('params.needs-token.token');
  });
});
