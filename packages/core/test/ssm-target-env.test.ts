import { describe, expect, it } from 'vitest';
import { ssmCommandDocument } from '../src/ssm/command-document.js';
import { ssmJobEnv } from '../src/ssm/job-env.js';
import { runLinuxStep } from './support/ssm-run.js';

// A command sent to a whole fleet carries no HEALOPS_TARGET: the document sets it on each host from the id the SSM
// agent exports (AWS_SSM_INSTANCE_ID), unless the env parameter names a target itself.

const doc = ssmCommandDocument({
  package: 'probe',
  version: '1.0.0',
  jobs: [{ id: 'check:target', argv: ['checks/target.sh'], fromPackage: true, platform: 'any' }],
  files: [
    {
      relativePath: 'checks/target.sh',
      content: '#!/bin/sh\nprintf "TARGET OK - [%s]\\n" "$HEALOPS_TARGET"\n',
      platform: 'any',
    },
  ],
});

describe('the generated document names the target host', () => {
  it.each<{ name: string; env: Record<string, string>; agent: Record<string, string>; printed: string }>([
    {
      name: 'the host id when the env carries no target',
      env: {},
      agent: { AWS_SSM_INSTANCE_ID: 'i-0123456789abcdef0' },
      printed: '[i-0123456789abcdef0]',
    },
    {
      name: 'the env target when the env carries one',
      env: { HEALOPS_TARGET: 'web-1' },
      agent: { AWS_SSM_INSTANCE_ID: 'i-0123456789abcdef0' },
      printed: '[web-1]',
    },
    { name: 'nothing when neither says', env: {}, agent: {}, printed: '[]' },
  ])('Linux step: $name', async ({ env, agent, printed }) => {
    const run = await runLinuxStep(doc.content, { job: 'check:target', env: ssmJobEnv(env) }, { env: agent });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`TARGET OK - ${printed}\n`);
  });

  it('Windows step: sets HEALOPS_TARGET from the agent after the env parameter, only when unset', () => {
    const lines = doc.content.mainSteps[1].inputs.runCommand;
    const envLoop = lines.findIndex((l) => l.includes("D '{{ env }}'"));
    const fallback = lines.findIndex((l) => l.includes('$env:HEALOPS_TARGET = $env:AWS_SSM_INSTANCE_ID'));
    expect(envLoop).toBeGreaterThanOrEqual(0);
    expect(fallback).toBeGreaterThan(envLoop);
    expect(lines[fallback]).toContain('if (-not $env:HEALOPS_TARGET -and $env:AWS_SSM_INSTANCE_ID)');
  });
});
