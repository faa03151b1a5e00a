import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/synth-healops.js';

const run = promisify(execFile);

/** The environment of a fresh clone with no AWS account: no credentials, no profile, no instance metadata. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

describe('npx cdk synth', () => {
  it('synthesizes the repository app offline, without credentials', async () => {
    const output = await mkdtemp(join(tmpdir(), 'healops-cdk-out-'));
    const { stderr } = await run(
      'npx',
      ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', output],
      { cwd: REPO, env: offlineEnv(), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const template = JSON.parse(readFileSync(join(output, 'HealOps.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(3);
    expect(types).toContain('AWS::SSM::Document');
    const report = JSON.parse(readFileSync(join(output, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
    expect(stderr).toContain('package http-endpoint is not deployed');
  }, 180_000);
});
