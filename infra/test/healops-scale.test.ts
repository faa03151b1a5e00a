import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealOpsArtifacts } from '../src/healops-artifacts.js';
import { HealOpsStack } from '../src/healops-stack.js';
import { cfnLint } from './support/cfn-lint.js';
import { policySize } from './support/policy-size.js';
import { allStacks, artifactsOf, workspace } from './support/synth-healops.js';

// 50 packages of 10 checks (each a package script, half with a repair script) on three schedules each: the stack
// must stay within CloudFormation's limits per template, splitting the documents into nested stacks.

const PACKAGES = 50;
const CHECKS = 10;
const SCHEDULES = ['rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)'];
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;
/** IAM: the inline policies of one role together stay under 10,240 characters. */
const MAX_ROLE_POLICY_CHARS = 10_240;

function script(pkg: number, check: number): string {
  const body = Array.from(
    { length: 8 },
    (_, i) => `# step ${i}: inspect component ${pkg}.${check} and report`,
  );
  return `#!/bin/sh\n${body.join('\n')}\necho "OK - component ${pkg}.${check} healthy | up=1;;;0;1"\nexit 0\n`;
}

function manifest(pkg: number): string {
  const checks = Array.from({ length: CHECKS }, (_, c) => {
    const repair = c % 2 === 0 ? `    repair: { script: repairs/fix-${c}.sh }\n` : '';
    return `  - name: check-${c}\n    script: checks/check-${c}.sh\n    schedule: ${SCHEDULES[c % SCHEDULES.length]}\n${repair}`;
  });
  return `name: pkg-${String(pkg).padStart(2, '0')}\nversion: 2.0.${pkg}\nchecks:\n${checks.join('')}`;
}

function files(): Record<string, string> {
  const out: Record<string, string> = { 'healops.config.yaml': 'packages: [pkgs]\nenvironment: scale\n' };
  for (let p = 0; p < PACKAGES; p++) {
    const dir = `pkgs/pkg-${String(p).padStart(2, '0')}`;
    out[`${dir}/healops.yaml`] = manifest(p);
    for (let c = 0; c < CHECKS; c++) {
      out[`${dir}/checks/check-${c}.sh`] = script(p, c);
      if (c % 2 === 0) out[`${dir}/repairs/fix-${c}.sh`] = script(p, c).replace('OK', 'FIXED');
    }
  }
  return out;
}

interface Measured {
  readonly path: string;
  readonly resources: number;
  readonly bytes: number;
  readonly types: Record<string, number>;
}

let artifacts: HealOpsArtifacts;
let measured: Measured[];
let templateFiles: string[];
let parent: Record<string, { Type: string; Properties?: Record<string, unknown> }>;

beforeAll(async () => {
  const root = await workspace(files());
  artifacts = await artifactsOf({ root });
  const outdir = await mkdtemp(join(tmpdir(), 'healops-scale-'));
  const app = new App({ outdir });
  const stack = new HealOpsStack(app, 'HealOpsScale', { artifacts });
  const assembly = app.synth();
  templateFiles = allStacks(stack).map((s: Stack) => join(outdir, s.templateFile));
  measured = allStacks(stack).map((s: Stack) => {
    const file = join(outdir, s.templateFile);
    const text = readFileSync(file, 'utf8');
    const template = JSON.parse(text) as { Resources: Record<string, { Type: string }> };
    const types: Record<string, number> = {};
    for (const r of Object.values(template.Resources)) types[r.Type] = (types[r.Type] ?? 0) + 1;
    return {
      path: s.node.path,
      resources: Object.keys(template.Resources).length,
      bytes: text.length,
      types,
    };
  });
  parent = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')).Resources;
  expect(assembly.stacks.length).toBe(1);
}, 240_000);

describe(`${PACKAGES} packages x ${CHECKS} checks`, () => {
  it('bundles every package and check, on one schedule per (package, expression)', () => {
    expect(artifacts.bundle.packages).toHaveLength(PACKAGES);
    expect(artifacts.bundle.packages.flatMap((p) => p.checks)).toHaveLength(PACKAGES * CHECKS);
    const schedules = measured.reduce((n, m) => n + (m.types['AWS::Scheduler::Schedule'] ?? 0), 0);
    expect(schedules).toBe(PACKAGES * SCHEDULES.length + 1);
    const documents = measured.reduce((n, m) => n + (m.types['AWS::SSM::Document'] ?? 0), 0);
    expect(documents).toBe(PACKAGES);
  });

  it('keeps every template within 500 resources and 1 MB, splitting the documents into nested stacks', () => {
    console.log(measured.map((m) => `${m.path}: ${m.resources} resources, ${m.bytes} bytes`).join('\n'));
    expect(measured.length).toBeGreaterThan(2);
    expect(measured[0]?.types['AWS::SSM::Document']).toBeUndefined();
    for (const m of measured) {
      expect(m.resources, m.path).toBeLessThanOrEqual(MAX_RESOURCES);
      expect(m.bytes, m.path).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
    }
  });

  it('keeps each function role’s policy under the IAM inline policy limit', () => {
    for (const [id, resource] of Object.entries(parent)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const size = policySize(resource.Properties?.PolicyDocument);
      console.log(`${id}: ${size} characters`);
      expect(size, id).toBeLessThan(MAX_ROLE_POLICY_CHARS);
    }
  });

  it('passes cfn-lint without an error, nested templates included', async () => {
    const errors = (await cfnLint(templateFiles)).filter((m) => m.Level === 'Error');
    expect(errors).toEqual([]);
  }, 240_000);
});
