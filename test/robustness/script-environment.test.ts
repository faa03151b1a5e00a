import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPackage, resultOf, runOnce, sandbox, sh, stateDir } from './robustness-kit.js';

const SECRET = 's3cr3t-value-that-must-stay-home';

/** `env` output as a map (values may hold '='; multi-line values are not used here). */
function envFile(path: string): Map<string, string> {
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line): [string, string] => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return new Map(entries);
}

describe('the environment HealOps gives scripts', () => {
  it('holds the HEALOPS_* variables but none of the secrets of the environment HealOps runs in', async () => {
    const box = sandbox();
    addPackage(
      box,
      'envdump',
      `
environment: staging
params:
  region: { default: eu-west-1 }
checks:
  - name: dump
    script: checks/dump.sh
    repair: { script: repairs/dump.sh, verifyAfter: 0s }
stats:
  - name: dump-stats
    script: stats/dump.sh
`,
      {
        'checks/dump.sh': sh(`
env > "$HEALOPS_STATE_DIR/check.env"
if [ -f "$HEALOPS_STATE_DIR/repaired" ]; then echo "ENV OK - repaired"; exit 0; fi
echo "ENV CRITICAL - needs the repair"
exit 2
`),
        'repairs/dump.sh': sh(`
env > "$HEALOPS_STATE_DIR/repair.env"
touch "$HEALOPS_STATE_DIR/repaired"
`),
        'stats/dump.sh': sh(`
env > "$HEALOPS_STATE_DIR/stats.env"
echo "STATS OK | n=1"
`),
      },
    );

    const run = await runOnce(box, [box.packages], {
      env: {
        HEALOPS_TEST_SECRET: SECRET,
        AWS_SECRET_ACCESS_KEY: SECRET,
        GITHUB_TOKEN: SECRET,
        HEALOPS_HOME: join(box.root, 'not-this-home'),
      },
    });

    expect(run.code).toBe(0);
    expect(resultOf(run.report, 'dump')).toMatchObject({ outcome: 'recovered' });
    const dir = stateDir(box, 'envdump');
    for (const file of ['check.env', 'repair.env', 'stats.env']) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toContain(SECRET);
      const env = envFile(join(dir, file));
      for (const name of ['HEALOPS_TEST_SECRET', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'HEALOPS_HOME']) {
        expect(env.has(name), `${file}: ${name}`).toBe(false);
      }
      expect(env.get('HEALOPS_PACKAGE'), file).toBe('envdump');
      expect(env.get('HEALOPS_TARGET'), file).toBe('local');
      expect(env.get('HEALOPS_ENVIRONMENT'), file).toBe('staging');
      expect(env.get('HEALOPS_STATE_DIR'), file).toBe(dir);
      expect(env.get('HEALOPS_PARAM_REGION'), file).toBe('eu-west-1');
      expect(env.get('PATH'), file).toBeTruthy();
    }
    expect(envFile(join(dir, 'check.env')).get('HEALOPS_CHECK')).toBe('dump');
    expect(envFile(join(dir, 'stats.env')).get('HEALOPS_CHECK')).toBe('dump-stats');
    const repair = envFile(join(dir, 'repair.env'));
    expect(repair.get('HEALOPS_CHECK')).toBe('dump');
    expect(repair.get('HEALOPS_CHECK_STATUS')).toBe('CRITICAL');
    expect(repair.get('HEALOPS_CHECK_OUTPUT')).toBe('ENV CRITICAL - needs the repair');
    expect(repair.get('HEALOPS_REPAIR_ATTEMPT')).toBe('1');
  });
});
