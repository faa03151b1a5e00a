import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healops, json, type RunJson, scratch, writePackage } from '../support/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('packages aimed at SSM hosts', () => {
  it('are reported skipped by the local CLI, never run on this machine', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const marker = join(dir, 'ran');
    writePackage(dir, 'fleet', {
      'healops.yaml': `name: fleet
version: 1.0.0
targets: { tags: { Role: [web] } }
checks:
  - name: nginx-up
    command: [/bin/sh, -c, 'touch "$0"; echo "OK"', ${JSON.stringify(marker)}]
`,
    });
    writePackage(dir, 'here', {
      'healops.yaml': `name: here
version: 1.0.0
checks:
  - name: ok
    command: [/bin/sh, -c, 'echo "HERE OK"']
`,
    });
    const result = await healops(['run', dir, '--once', '--json', '--home', join(dir, 'home')]);
    const report = json<RunJson>(result);
    expect(result.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    const fleet = report.results.find((r) => r.package === 'fleet');
    expect(fleet).toMatchObject({ outcome: 'skipped' });
    expect(fleet?.detail).toContain('targets hosts tagged Role=web through SSM');
    expect(report.results.find((r) => r.package === 'here')).toMatchObject({ outcome: 'ok' });
  });
});
