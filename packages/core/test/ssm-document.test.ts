import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/manifest/parse-manifest.js';
import {
  SSM_DOCUMENT_MAX_BYTES,
  type SsmDocumentInput,
  ssmCommandDocument,
  ssmParameterRoom,
} from '../src/ssm/command-document.js';
import { SsmDocumentError } from '../src/ssm/errors.js';
import { ssmJobEnv, ssmStdin } from '../src/ssm/job-env.js';
import { ssmJobsOf, ssmScriptPaths } from '../src/ssm/jobs.js';
import { yaml } from './support/manifest-text.js';
import { runLinuxStep, ssmSubstitute } from './support/ssm-run.js';

/** A package whose check reports what it received: args, cwd, its env, its stdin; exits with $HEALOPS_PARAM_CODE. */
const MANIFEST = yaml`
  name: probe
  version: 1.2.0+build.7
  description: Reports what it receives {{ not a parameter }}
  params:
    code: { default: "0" }
    word: { default: plain }
  checks:
    - name: report
      script: checks/report.sh
    - name: echo-word
      command: [/bin/echo, "w=\${params.word}", "$\${HOME}", "{{ job }}"]
      repair: { script: repairs/fix.sh }
    - name: iis
      platform: windows
      script: checks/iis.ps1
  stats:
    - name: bad-code
      command: [/bin/sh, -c, "exit 194"]
`;

const REPORT = `#!/bin/sh
printf 'REPORT OK | args=%s\\n' "$#"
for a in "$@"; do printf 'arg:%s\\n' "$a"; done
printf 'cwd:%s\\n' "$(pwd)"
printf 'zero:%s\\n' "$0"
printf 'word:%s\\n' "$HEALOPS_PARAM_WORD"
printf 'stdin:'; cat
printf '\\nhelper:'; cat lib/helper.txt
exit "$HEALOPS_PARAM_CODE"
`;

function input(overrides: Partial<SsmDocumentInput> = {}): SsmDocumentInput {
  const parsed = parseManifest(MANIFEST, 'probe/healops.yaml');
  if (!parsed.value) {
    throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  }
  const jobs = ssmJobsOf(parsed.value);
  return {
    package: 'probe',
    version: parsed.value.version,
    description: parsed.value.description ?? '',
    jobs,
    files: [
      { relativePath: 'checks/report.sh', content: REPORT, platform: 'any' },
      { relativePath: 'repairs/fix.sh', content: '#!/bin/sh\necho "FIXED - $(cat)"\n', platform: 'any' },
      { relativePath: 'lib/helper.txt', content: 'helper text', platform: 'linux' },
      { relativePath: 'checks/iis.ps1', content: "Write-Output 'IIS OK'", platform: 'windows' },
    ],
    ...overrides,
  };
}

describe('ssmCommandDocument: structure', () => {
  const doc = ssmCommandDocument(input());

  it('is a schemaVersion 2.2 document with a Linux and a Windows step, each behind its precondition', () => {
    const content = JSON.parse(doc.json) as Record<string, unknown>;
    expect(content).toEqual(doc.content);
    expect(Object.keys(content)).toEqual(['schemaVersion', 'description', 'parameters', 'mainSteps']);
    expect(doc.content.schemaVersion).toBe('2.2');
    expect(
      doc.content.mainSteps.map((s) => ({ action: s.action, name: s.name, precondition: s.precondition })),
    ).toEqual([
      {
        action: 'aws:runShellScript',
        name: 'healopsLinux',
        precondition: { StringEquals: ['platformType', 'Linux'] },
      },
      {
        action: 'aws:runPowerShellScript',
        name: 'healopsWindows',
        precondition: { StringEquals: ['platformType', 'Windows'] },
      },
    ]);
    for (const step of doc.content.mainSteps) {
      expect(Object.keys(step.inputs).sort()).toEqual(['runCommand', 'timeoutSeconds']);
      expect(step.inputs.timeoutSeconds).toBe('{{ executionTimeout }}');
      expect(step.inputs.runCommand.every((line) => typeof line === 'string' && !line.includes('\n'))).toBe(
        true,
      );
    }
  });

  it('lets the job parameter take only the package job ids, and env/stdin only base64', () => {
    const { job, env, stdin, executionTimeout } = doc.content.parameters;
    expect(job).toEqual({
      type: 'String',
      description: expect.any(String),
      allowedValues: ['check:report', 'check:echo-word', 'repair:echo-word', 'check:iis', 'stats:bad-code'],
    });
    expect(doc.jobIds).toEqual(job.allowedValues);
    for (const parameter of [env, stdin]) {
      expect(parameter).toMatchObject({
        type: 'String',
        default: '',
        allowedPattern: '^[A-Za-z0-9+/]*={0,2}$',
      });
    }
    expect(executionTimeout).toMatchObject({
      type: 'String',
      default: '600',
      allowedPattern: '^[1-9][0-9]{0,4}$',
    });
    const pattern = (p: string | undefined) => new RegExp(p ?? '');
    expect(pattern(env.allowedPattern).test("abc'; rm -rf /")).toBe(false);
    expect(pattern(executionTimeout.allowedPattern).test('0')).toBe(false);
    expect(pattern(executionTimeout.allowedPattern).test('600; reboot')).toBe(false);
  });

  it('uses {{ }} only for its own parameters, even when the manifest text holds braces', () => {
    const names = [...doc.json.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(['job', 'env', 'stdin', 'executionTimeout']));
    expect(doc.content.description).toContain('{ { not a parameter }}');
  });

  it('names its version after the package version and a content hash, stable for equal input', () => {
    const again = ssmCommandDocument(input());
    expect(again.hash).toBe(doc.hash);
    expect(doc.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.versionName).toBe(`1.2.0_build.7-${doc.hash.slice(0, 12)}`);
    expect(doc.versionName).toMatch(/^[a-zA-Z0-9_\-.]{1,128}$/);
    expect(doc.name).toBe('HealOps-probe');
    const changed = ssmCommandDocument(
      input({
        files: input().files.map((f) => (f.relativePath === 'lib/helper.txt' ? { ...f, content: 'v2' } : f)),
      }),
    );
    expect(changed.hash).not.toBe(doc.hash);
    expect(ssmParameterRoom(doc)).toBe(SSM_DOCUMENT_MAX_BYTES - doc.bytes);
  });

  it('lists the scripts the jobs run with the platforms that need them', () => {
    expect(ssmScriptPaths(input().jobs)).toEqual([
      { relativePath: 'checks/report.sh', platform: 'any' },
      { relativePath: 'repairs/fix.sh', platform: 'any' },
      { relativePath: 'checks/iis.ps1', platform: 'windows' },
    ]);
  });
});

describe('ssmCommandDocument: refusals', () => {
  it('names the package and its biggest files when the document is too large', () => {
    const big = { relativePath: 'data/big.txt', content: 'x'.repeat(60_000), platform: 'any' as const };
    const attempt = () => ssmCommandDocument(input({ files: [...input().files, big] }));
    expect(attempt).toThrow(SsmDocumentError);
    expect(attempt).toThrow(/package probe: its SSM document is \d+ bytes, over the limit of 49152/);
    expect(attempt).toThrow(/biggest files: data\/big\.txt \(60000 bytes\), checks\/report\.sh/);
  });

  it.each([
    {
      name: 'a job script missing from the files',
      change: { files: [] },
      message: /check:report runs "checks\/report.sh"/,
    },
    {
      name: 'a file outside the package',
      change: { files: [{ relativePath: '../x', content: '', platform: 'any' as const }] },
      message: /leaves the package folder/,
    },
    { name: 'no jobs', change: { jobs: [] }, message: /no jobs/ },
    {
      name: 'a job id SSM cannot offer safely',
      change: {
        jobs: [{ id: "check:x'y", argv: ['/bin/true'], fromPackage: false, platform: 'any' as const }],
      },
      message: /does not match/,
    },
  ])('refuses $name', ({ change, message }) => {
    expect(() => ssmCommandDocument(input(change))).toThrow(message);
  });
});

describe('ssmCommandDocument: the Linux step, run for real', () => {
  const doc = ssmCommandDocument(input());

  it.each(['/bin/sh', '/bin/bash'])(
    'runs a package script with its args, env, stdin and cwd under %s',
    async (shell) => {
      const run = await runLinuxStep(
        doc.content,
        {
          job: 'check:report',
          env: ssmJobEnv({ HEALOPS_PARAM_CODE: '1', HEALOPS_PARAM_WORD: 'hello world' }),
          stdin: ssmStdin('{"status":"critical"}'),
        },
        { shell },
      );
      expect(run.code).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('REPORT OK | args=0');
      const cwd = lines.find((l) => l.startsWith('cwd:'))?.slice(4) ?? '';
      expect(cwd).toMatch(/\/package$/);
      expect(lines).toContain(`zero:${join(cwd, 'checks/report.sh')}`);
      expect(lines).toContain('word:hello world');
      expect(lines).toContain('stdin:{"status":"critical"}');
      expect(lines).toContain('helper:helper text');
      expect(run.leftovers).toEqual([]);
    },
  );

  it.each([0, 1, 2, 3])('preserves exit code %i', async (code) => {
    const run = await runLinuxStep(doc.content, {
      job: 'check:report',
      env: ssmJobEnv({ HEALOPS_PARAM_CODE: String(code) }),
    });
    expect(run.code).toBe(code);
  });

  it('reports any other exit code (194 asks SSM to reboot) as 3, UNKNOWN', async () => {
    const run = await runLinuxStep(doc.content, { job: 'stats:bad-code' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('job stats:bad-code exited with code 194');
  });

  it('delivers hostile parameter values verbatim, without ever running them', async () => {
    const canary = join(process.cwd(), 'node_modules', '.healops-ssm-canary');
    const hostile = `it's "x"; touch ${canary}; $(touch ${canary}) \`touch ${canary}\`\nline2 {{ job }}`;
    const run = await runLinuxStep(doc.content, {
      job: 'check:echo-word',
      env: ssmJobEnv({ HEALOPS_PARAM_WORD: hostile }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`w=${hostile} \${HOME} {{ job }}\n`);
    await expect(readFile(canary)).rejects.toThrow(/ENOENT/);
  });

  it('runs a repair with the check result on stdin', async () => {
    const run = await runLinuxStep(doc.content, {
      job: 'repair:echo-word',
      stdin: ssmStdin('{"exitCode":2}'),
    });
    expect(run).toMatchObject({ code: 0, stdout: 'FIXED - {"exitCode":2}\n' });
  });

  it('answers UNKNOWN for a Windows job on Linux', async () => {
    const run = await runLinuxStep(doc.content, { job: 'check:iis' });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe(
      'HEALOPS UNKNOWN - job check:iis runs on windows only; this instance runs Linux\n',
    );
  });

  it('refuses an env naming a variable outside HEALOPS_ even when crafted by hand', async () => {
    const forged = Buffer.from(`PATH=${Buffer.from('/tmp').toString('base64')}\n`).toString('base64');
    const run = await runLinuxStep(doc.content, { job: 'check:report', env: forged });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('HEALOPS UNKNOWN - env: variable names must start with HEALOPS_\n');
    expect(run.leftovers).toEqual([]);
  });

  it('cannot be sent a job outside its list or a non-base64 env (SSM refuses the parameters)', () => {
    const script = doc.content.mainSteps[0].inputs.runCommand.join('\n');
    expect(() => ssmSubstitute(script, doc.content.parameters, { job: 'check:nope' })).toThrow(
      /allowedValues/,
    );
    expect(() =>
      ssmSubstitute(script, doc.content.parameters, { job: 'check:report', env: "'; reboot #" }),
    ).toThrow(/does not match/);
  });

  it('runs a real catalog package (demo) end to end: CRITICAL, repair, OK', async () => {
    const root = join(import.meta.dirname, '../../../catalog/demo');
    const parsed = parseManifest(await readFile(join(root, 'healops.yaml'), 'utf8'), 'demo/healops.yaml');
    if (!parsed.value) throw new Error('catalog/demo is invalid');
    const jobs = ssmJobsOf(parsed.value);
    const files = await Promise.all(
      ssmScriptPaths(jobs).map(async ({ relativePath, platform }) => ({
        relativePath,
        platform,
        content: await readFile(join(root, relativePath), 'utf8'),
      })),
    );
    const demo = ssmCommandDocument({ package: 'demo', version: parsed.value.version, jobs, files });
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const state = await mkdtemp(join(tmpdir(), 'healops-demo-state-'));
    try {
      const env = ssmJobEnv({
        HEALOPS_STATE_DIR: state,
        HEALOPS_PACKAGE: 'demo',
        HEALOPS_CHECK: 'demo-service',
      });
      const first = await runLinuxStep(demo.content, { job: 'check:demo-service', env });
      expect(first.code).toBe(2);
      expect(first.stdout).toMatch(/^DEMO CRITICAL/);
      const repair = await runLinuxStep(demo.content, { job: 'repair:demo-service', env });
      expect(repair.code).toBe(0);
      const second = await runLinuxStep(demo.content, { job: 'check:demo-service', env });
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/^DEMO OK/);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
