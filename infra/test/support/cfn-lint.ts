import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './synth-healops.js';

const run = promisify(execFile);

/** cfn-lint from the project venv (.ci/install-test-peers installs it). */
export const CFN_LINT = join(REPO, '.venv', 'bin', 'cfn-lint');

export interface CfnLintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
}

/**
 * Runs cfn-lint (JSON output) on the templates and returns every match. Missing cfn-lint is an error, in CI and
 * out of it: the infra tests never pass without having linted.
 */
export async function cfnLint(templates: readonly string[]): Promise<CfnLintMatch[]> {
  if (!existsSync(CFN_LINT)) {
    throw new Error(
      `cfn-lint not found at ${CFN_LINT}: run \`bash .ci/install-test-peers\` (it pip installs cfn-lint into .venv)`,
    );
  }
  // Exit status is a bit mask of the levels found (2 error, 4 warning, 8 informational): read the output anyway.
  const output = await run(CFN_LINT, ['--format', 'json', '--', ...templates], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; code?: number; stderr?: string }) => {
    if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('['))
      return { stdout: error.stdout };
    throw new Error(`cfn-lint failed (exit ${error.code}): ${error.stderr ?? ''}`);
  });
  return JSON.parse(output.stdout) as CfnLintMatch[];
}
