import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healops } from '../support/cli.js';
import { addPackage, fixture, markerCheck, runOnce, runsOf } from './scenario-kit.js';

describe('healops run --package / --check', () => {
  it('runs only the selected package, then only the selected check', async () => {
    const f = fixture();
    addPackage(f, {
      name: 'alpha',
      manifest: `
checks:
  - { name: one, script: checks/one.sh }
  - { name: two, script: checks/two.sh }
`,
      files: {
        'checks/one.sh': markerCheck('a-one', 'up', 1),
        'checks/two.sh': markerCheck('a-two', 'up', 1),
      },
    });
    addPackage(f, {
      name: 'beta',
      manifest: `
checks:
  - { name: one, script: checks/one.sh }
`,
      files: { 'checks/one.sh': markerCheck('b-one', 'up', 1) },
    });
    const packages = join(f.root, 'packages');

    const byPackage = await runOnce(f, [packages], ['--package', 'alpha']);
    expect(byPackage.code, byPackage.stderr).toBe(0);
    expect(byPackage.report.results.map((r) => `${r.package}/${r.check}`).sort()).toEqual([
      'alpha/one',
      'alpha/two',
    ]);
    expect([runsOf(f, 'a-one'), runsOf(f, 'a-two'), runsOf(f, 'b-one')]).toEqual([1, 1, 0]);

    const byCheck = await runOnce(f, [packages], ['--package', 'beta', '--check', 'one']);
    expect(byCheck.code, byCheck.stderr).toBe(0);
    expect(byCheck.report.results.map((r) => `${r.package}/${r.check}`)).toEqual(['beta/one']);
    expect([runsOf(f, 'a-one'), runsOf(f, 'a-two'), runsOf(f, 'b-one')]).toEqual([1, 1, 1]);

    const unknown = await healops(
      ['run', packages, '--once', '--json', '--home', f.home, '--package', 'gamma'],
      {
        cwd: f.root,
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('gamma');
    expect([runsOf(f, 'a-one'), runsOf(f, 'a-two'), runsOf(f, 'b-one')]).toEqual([1, 1, 1]);
  });
});
