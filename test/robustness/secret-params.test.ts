import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healops, json, type RunJson, scratch, writePackage } from '../support/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const SECRET = 'sk-live-5f2a9c0d7e';

describe('parameter values passed on a command line', () => {
  it('reach the command but never the audit trail, the JSON report or the terminal', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    writePackage(dir, 'api', {
      'healops.yaml': `name: api
version: 1.0.0
params:
  token: { description: API token, required: true }
checks:
  - name: auth
    command: [/bin/sh, -c, 'echo "AUTH CRITICAL - rejected"; exit 2', probe, "Authorization: Bearer \${params.token}"]
    repair:
      command: [/bin/sh, -c, 'printf "%s" "$1" > "$HEALOPS_STATE_DIR/seen"', fix, "\${params.token}"]
      verifyAfter: 100ms
`,
    });
    const config = join(dir, 'healops.config.yaml');
    writeFileSync(config, `packages: [./api]\nparams:\n  api: { token: ${SECRET} }\n`);
    const home = join(dir, 'home');
    const human = await healops(['run', '--once', '--config', config, '--home', home], { cwd: dir });
    const machine = await healops(['run', '--once', '--json', '--config', config, '--home', home], {
      cwd: dir,
    });
    const audit = await healops(['audit', '--json', '--home', home], { cwd: dir });

    // The repair really received the value...
    expect(readFileSync(join(home, 'state', 'api', 'local', 'seen'), 'utf8')).toBe(SECRET);
    // ...and nothing HealOps printed or recorded contains it; the placeholder stands in its place.
    for (const text of [human.stdout, human.stderr, machine.stdout, machine.stderr, audit.stdout]) {
      expect(text).not.toContain(SECRET);
    }
    expect(audit.stdout).toContain('${params.token}');
    expect(json<RunJson>(machine).results[0]?.outcome).toBe('escalated');
  });
});
