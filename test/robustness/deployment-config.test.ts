import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../support/cli.js';
import { addPackage, cli, resultOf, runOnce, type Sandbox, sandbox, sh } from './robustness-kit.js';

interface MetricJson {
  readonly name: string;
  readonly value: number;
  readonly dimensions: Record<string, string>;
}

interface ValidateJson {
  readonly valid: boolean;
  readonly packages: Array<{ name: string; skipped?: string }>;
  readonly problems: Array<{ file: string; line: number; col: number; path: string; message: string }>;
}

/** A package with a required param (no default), a defaulted one, and an environment of its own. */
function needsParams(box: Sandbox): void {
  addPackage(
    box,
    'needs',
    `
environment: dev
params:
  greeting: { description: "Required: there is no default", required: true }
  level: { default: "low" }
checks:
  - name: by-script
    script: checks/by-script.sh
  - name: by-command
    command: [/bin/sh, -c, 'echo "CMD OK - arg=$1"', sh, "\${params.greeting}-\${params.level}"]
`,
    {
      'checks/by-script.sh': sh(`
echo "SCRIPT OK - greeting=$HEALOPS_PARAM_GREETING level=$HEALOPS_PARAM_LEVEL env=$HEALOPS_ENVIRONMENT"
`),
    },
  );
}

function writeConfig(box: Sandbox, text: string, name = 'healops.config.yaml'): string {
  const path = join(box.root, name);
  writeFileSync(path, text);
  return path;
}

describe('healops.config.yaml', () => {
  it('without it, a package with a required param is skipped with the reason', async () => {
    const box = sandbox();
    needsParams(box);

    const run = await runOnce(box);

    expect(run.code).toBe(0);
    for (const check of ['by-script', 'by-command']) {
      expect(resultOf(run.report, check)).toMatchObject({ outcome: 'skipped' });
      expect(resultOf(run.report, check).detail).toContain('missing required parameter "greeting"');
      expect(resultOf(run.report, check).detail).toContain('params.needs.greeting');
    }
  });

  it('sets params (HEALOPS_PARAM_<NAME> and params.x placeholders) and overrides the environment in metrics', async () => {
    const box = sandbox();
    needsParams(box);
    // Found as ./healops.config.yaml (cwd is the sandbox); its package paths are relative to the file.
    writeConfig(
      box,
      'packages: [packages]\nenvironment: prod-eu\nparams:\n  needs: { greeting: hello, level: 7 }\n',
    );

    const run = await cli(box, ['run', '--once', '--json', '--home', box.home]);

    expect(run.code).toBe(0);
    const report = json<{ results: Array<{ check: string; outcome: string; summary: string }> }>(run);
    expect(report.results).toHaveLength(2);
    expect(resultOf(json(run), 'by-script')).toMatchObject({
      outcome: 'ok',
      summary: 'SCRIPT OK - greeting=hello level=7 env=prod-eu',
    });
    expect(resultOf(json(run), 'by-command')).toMatchObject({
      outcome: 'ok',
      summary: 'CMD OK - arg=hello-7',
    });

    const metrics = await cli(box, ['metrics', '--json', '--home', box.home, '--package', 'needs']);
    const points = json<MetricJson[]>(metrics);
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(new Set(points.map((p) => p.dimensions.environment))).toEqual(new Set(['prod-eu']));
    expect(new Set(points.map((p) => p.dimensions.check))).toEqual(new Set(['by-script', 'by-command']));
  });

  it.each([
    {
      name: 'an unknown key',
      text: 'packages: [packages]\nenviroment: prod\n',
      at: ':2:1: enviroment: ',
      says: ['unknown field "enviroment"', 'did you mean "environment"'],
    },
    {
      name: 'packages given as a string',
      text: 'packages: packages\n',
      at: ':1:11: packages: ',
      says: ['expected a list', '"packages"'],
    },
  ])('with $name is a config error: exit 2 and a positioned message', async ({ text, at, says }) => {
    const box = sandbox();
    needsParams(box);
    const config = writeConfig(box, text, 'bad.config.yaml');

    for (const args of [
      ['run', '--config', config, '--once', '--json', '--home', box.home],
      ['validate', '--config', config],
    ]) {
      const result = await cli(box, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout, args.join(' ')).toBe('');
      const message = result.stderr.split('\n').find((line) => line.includes(`${config}${at}`));
      expect(message, result.stderr).toBeDefined();
      for (const text of says) expect(message).toContain(text);
    }
  });

  it('reports params for a package that is not loaded, and still runs the others', async () => {
    const box = sandbox();
    needsParams(box);
    const config = writeConfig(
      box,
      'packages: [packages]\nparams:\n  needs: { greeting: hi }\n  ghost: { x: 1 }\n',
    );

    const validate = json<ValidateJson>(await cli(box, ['validate', '--json']));
    expect(validate.valid).toBe(false);
    expect(validate.packages).toMatchObject([{ name: 'needs' }]);
    expect(validate.problems).toMatchObject([{ file: config, path: 'params.ghost' }]);
    expect(validate.problems[0]?.message).toContain('"ghost"');

    const run = await runOnce(box, []);
    expect(run.code).toBe(2);
    expect(run.report.results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(run.report.errors).toEqual([expect.stringContaining('"ghost"')]);
  });

  it('reports a param the package does not declare, naming it, the package and what it declares', async () => {
    const box = sandbox();
    needsParams(box);
    const config = writeConfig(
      box,
      'packages: [packages]\nparams:\n  needs: { greeting: hi, colour: red }\n',
    );

    const result = await cli(box, ['validate', '--json']);

    expect(result.code).toBe(1);
    const report = json<ValidateJson>(result);
    expect(report.valid).toBe(false);
    // Exactly one problem: the typo. The package itself was found, so nothing may claim it is not loaded.
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ file: config });
    for (const text of ['"colour"', '"needs"', 'greeting', 'level']) {
      expect(report.problems[0]?.message).toContain(text);
    }
  });
});
