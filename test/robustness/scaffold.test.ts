import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { json } from '../support/cli.js';
import { cli, sandbox } from './robustness-kit.js';

/** A package name no other run uses; the scaffold's default params.path is /tmp/<name>, removed afterwards. */
function uniqueName(): string {
  const name = `scaffold-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  onTestFinished(() => rmSync(join('/tmp', name), { recursive: true, force: true }));
  return name;
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[path] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

describe('healops new', () => {
  it('scaffolds a package that validates and whose first run ends green', async () => {
    const box = sandbox();
    const name = uniqueName();

    const created = await cli(box, ['new', name, '--dir', box.packages]);
    expect(created.code).toBe(0);
    const dir = join(box.packages, name);
    expect(existsSync(join(dir, 'healops.yaml'))).toBe(true);
    expect(readFileSync(join(dir, 'healops.yaml'), 'utf8')).toContain(`name: ${name}`);

    const validate = await cli(box, ['validate', dir, '--json']);
    expect(validate.code).toBe(0);
    expect(json<{ valid: boolean; packages: Array<{ name: string }> }>(validate)).toMatchObject({
      valid: true,
      packages: [{ name }],
    });

    const run = await cli(box, ['run', dir, '--once', '--json', '--home', box.home]);
    expect(run.code).toBe(0);
    const report = json<{
      results: Array<{ outcome: string }>;
      stats: Array<{ outcome: string }>;
      errors: [];
    }>(run);
    expect(report.errors).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
    for (const r of [...report.results, ...report.stats]) expect(['ok', 'recovered']).toContain(r.outcome);
  });

  it('refuses to scaffold over an existing package (exit 2) and leaves it untouched', async () => {
    const box = sandbox();
    const name = uniqueName();
    expect((await cli(box, ['new', name, '--dir', box.packages])).code).toBe(0);
    const dir = join(box.packages, name);
    writeFileSync(join(dir, 'README.md'), 'my own notes\n');
    const before = snapshot(dir);

    const again = await cli(box, ['new', name, '--dir', box.packages]);

    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(['Bad_Name', '../escape', '9starts-with-digit', 'a'.repeat(65), ''])(
    'refuses the invalid name %j with exit 2 and creates nothing',
    async (name) => {
      const box = sandbox();
      const result = await cli(box, ['new', name, '--dir', box.packages]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/invalid|missing|argument/i);
      expect(existsSync(box.packages)).toBe(false);
    },
  );
});
