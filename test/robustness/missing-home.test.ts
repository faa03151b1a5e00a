import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../support/cli.js';
import { addPackage, cli, plugin, sandbox } from './robustness-kit.js';

const EMPTY = {
  status: { dot: 'green', problems: [], tickets: { pending: 0, dead: 0 } },
  audit: [],
  metrics: [],
} as const;
const COMMANDS = ['status', 'audit', 'metrics'] as const;

describe('reading commands on a home where nothing has run', () => {
  it.each(COMMANDS)(
    '`%s --json --home DIR` prints the empty result, says why and creates nothing',
    async (command) => {
      const box = sandbox();
      const home = join(box.root, 'never-used', 'home');

      const result = await cli(box, [command, '--json', '--home', home]);

      expect(result.code).toBe(0);
      expect(json(result)).toEqual(EMPTY[command]);
      expect(result.stderr).toContain(`no HealOps state in ${home}`);
      expect(existsSync(join(box.root, 'never-used'))).toBe(false);
    },
  );

  it.each(COMMANDS)('`%s` in human mode says there is no state and creates nothing', async (command) => {
    const box = sandbox();
    const home = join(box.root, 'never-used');

    const result = await cli(box, [command, '--home', home]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`no HealOps state in ${home} (nothing has run with this --home yet)`);
    expect(existsSync(home)).toBe(false);
  });

  it.each(COMMANDS)(
    '`%s` leaves an existing empty home empty, and HEALOPS_HOME counts too',
    async (command) => {
      const box = sandbox();
      const home = join(box.root, 'empty-home');
      mkdirSync(home);

      const result = await cli(box, [command, '--json'], { env: { HEALOPS_HOME: home } });

      expect(result.code).toBe(0);
      expect(json(result)).toEqual(EMPTY[command]);
      expect(result.stderr).toContain(`no HealOps state in ${home}`);
      expect(readdirSync(home)).toEqual([]);
    },
  );

  it('reads the state once a run has created it', async () => {
    const box = sandbox();
    addPackage(box, 'fine', 'checks:\n  - name: ok\n    script: checks/ok.sh\n', {
      'checks/ok.sh': plugin('FINE OK'),
    });
    expect((await cli(box, ['run', box.packages, '--once', '--home', box.home])).code).toBe(0);

    const result = await cli(box, ['audit', '--json', '--home', box.home]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(json<unknown[]>(result).length).toBeGreaterThan(0);
  });
});
