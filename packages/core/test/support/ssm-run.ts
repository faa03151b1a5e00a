import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SsmDocumentContent } from '../../src/ssm/command-document.js';

/**
 * SSM's parameter substitution, done as the agent does it: each `{{ name }}` (spaces optional) in the document text
 * becomes the parameter's value (or its default). A `{{` naming no parameter is an error here, so a stray `{{` in
 * generated text fails the test instead of being substituted silently on a real host.
 */
export function ssmSubstitute(
  text: string,
  parameters: SsmDocumentContent['parameters'],
  values: Readonly<Record<string, string>>,
): string {
  return text.replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_raw, name: string) => {
    const declared = (
      parameters as Readonly<
        Record<string, { default?: string; allowedValues?: readonly string[]; allowedPattern?: string }>
      >
    )[name];
    if (declared === undefined) {
      throw new Error(`the document substitutes an undeclared parameter {{ ${name} }}`);
    }
    const value = values[name] ?? declared.default;
    if (value === undefined) {
      throw new Error(`parameter ${name} has no value and no default`);
    }
    if (declared.allowedValues && !declared.allowedValues.includes(value)) {
      throw new Error(`SSM would refuse ${name}: not one of its allowedValues`);
    }
    if (declared.allowedPattern && !new RegExp(declared.allowedPattern).test(value)) {
      throw new Error(`SSM would refuse ${name}: it does not match ${declared.allowedPattern}`);
    }
    return value;
  });
}

export interface StepRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step left in its temporary folder (TMPDIR), besides the script itself. */
  readonly leftovers: readonly string[];
}

/** Runs the Linux step of `content` with `shell` the way the agent does: runCommand joined into a script file. */
export async function runLinuxStep(
  content: SsmDocumentContent,
  values: Readonly<Record<string, string>>,
  options: { shell?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<StepRun> {
  const step = content.mainSteps[0];
  const script = ssmSubstitute(step.inputs.runCommand.join('\n'), content.parameters, values);
  const dir = await mkdtemp(join(tmpdir(), 'healops-ssm-step-'));
  try {
    const file = join(dir, '_script.sh');
    await writeFile(file, script);
    const result = spawnSync(options.shell ?? '/bin/sh', [file], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: dir, ...options.env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const leftovers = (await readdir(dir)).filter((entry) => entry !== '_script.sh');
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, leftovers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
