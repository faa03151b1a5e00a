import { describe, expect, it } from 'vitest';
import { healops } from '../support/cli.js';

describe('healops bin', () => {
  it('prints its version and help', async () => {
    const version = await healops(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await healops(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['validate', 'run', 'check', 'status', 'metrics', 'audit', 'new']) {
      expect(help.stdout).toContain(command);
    }
  });

  it('exits 2 on an unknown command or flag', async () => {
    expect((await healops(['frobnicate'])).code).toBe(2);
    expect((await healops(['run', '--no-such-flag'])).code).toBe(2);
    expect((await healops(['run', '--once', '--concurrency', '0'])).code).toBe(2);
  });
});
