import {
  CreateBucketCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, ListCommandInvocationsCommand } from '@aws-sdk/client-ssm';
import {
  type BundlePackage,
  type ExecResult,
  type FleetHandle,
  type FleetResult,
  parseManifest,
  type ResolvedCheck,
  SSM_LINUX_STEP,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSsmClient, SsmExecutor, SsmFleetExecutor, SsmRunner } from '../../packages/aws/src/index.js';
import { type SsmOutputBucket, ssmOutputKey } from '../../packages/aws/src/ssm/ssm-s3-output.js';
import { MotoServer } from '../support/moto.js';
import { type SsmEmulator, startSsmEmulator } from '../support/ssm-emulator/index.js';
import { CREDENTIALS, instanceId } from './ssm-emulator-kit.js';

// Output beyond GetCommandInvocation's 24,000 / 8,000 characters, read from the command's S3 output: the SSM
// emulator's agents write each step's full streams to a real moto S3 (test/support/moto.ts, path-style) at the
// agent's key layout and answer the URL fields; SsmFleetExecutor and SsmExecutor send the bucket and read the
// objects with a Range bounded by the engine's maxOutputBytes. Without moto every test here fails (never skips).

const REGION = 'us-east-1';
const BUCKET = 'healops-ssm-output';
const PREFIX = 'runs/ssm';
const HOST = instanceId(1);

const MANIFEST = `name: big
version: 1.0.0
checks:
  - name: chatty
    script: checks/chatty.sh
    timeout: 60s
`;
// OUT_LINES / ERR_LINES lines of 8 characters ("0000042\\n"), from the instance's environment.
const CHATTY = `#!/bin/sh
awk -v n="$OUT_LINES" 'BEGIN { for (i = 0; i < n; i++) printf "%07d\\n", i }'
awk -v n="\${ERR_LINES:-0}" 'BEGIN { for (i = 0; i < n; i++) printf "%07d\\n", i }' >&2
exit 0
`;
const parsed = parseManifest(MANIFEST, 'big/healops.yaml');
if (!parsed.value) throw new Error('fixture manifest does not parse');
const DOCUMENT = ssmCommandDocument({
  package: 'big',
  version: '1.0.0',
  jobs: ssmJobsOf(parsed.value),
  files: [{ relativePath: 'checks/chatty.sh', content: CHATTY, platform: 'any' }],
});

/** What the check prints for `n` lines: n * 8 characters. */
function lines(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `${String(i).padStart(7, '0')}\n`;
  return text;
}

const CHECK: ResolvedCheck = {
  kind: 'check',
  package: 'big',
  packageVersion: '1.0.0',
  name: 'chatty',
  environment: 'test',
  command: { argv: ['checks/chatty.sh'], fromPackage: true, display: 'checks/chatty.sh' },
  schedule: 'rate(5 minutes)',
  timeoutMs: 60_000,
  failAfter: 1,
  unknownAfter: 3,
  failOn: 'critical',
  severity: 'critical',
  platform: 'any',
  dependsOn: [],
  maintenance: [],
  flap: { enabled: true, low: 20, high: 30 },
  reportOnly: false,
  env: {},
  packageDir: '/pkg',
};

const PACKAGE: BundlePackage = {
  name: 'big',
  version: '1.0.0',
  document: { name: DOCUMENT.name, versionName: DOCUMENT.versionName },
  targets: { type: 'instanceIds', instanceIds: [HOST] },
  blastRadius: { maxConcurrency: '10', maxErrors: '5' },
  checks: [CHECK],
};

let moto: MotoServer;
let s3: S3Client;
/** GetObject requests s3 sent (middleware), to see the Range asked for. */
const gets: GetObjectCommandInput[] = [];

beforeAll(async () => {
  moto = await MotoServer.start();
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
  });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand') gets.push(args.input as GetObjectCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordGets' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

let emulator: SsmEmulator;
beforeEach(async () => {
  gets.length = 0;
  emulator = await startSsmEmulator({
    timeScale: 0.01,
    s3: { endpoint: moto.endpoint, credentials: CREDENTIALS, region: REGION },
  });
  emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
});
afterEach(async () => {
  await emulator.close();
});

function addHost(outLines: number, errLines = 0): void {
  emulator.addInstance({
    instanceId: HOST,
    platform: 'linux',
    env: { OUT_LINES: String(outLines), ERR_LINES: String(errLines) },
  });
}

function ssm() {
  const client = createSsmClient({ endpoint: emulator.endpoint, region: REGION });
  client.config.credentials = async () => CREDENTIALS;
  return client;
}

/** `lazy`: the client handed over as a function called on the first read (as the functions build it). */
function output(bucket = BUCKET, lazy = false): SsmOutputBucket {
  return { bucket, keyPrefix: PREFIX, s3: lazy ? async () => s3 : s3 };
}

async function fleetRun(fleet: SsmFleetExecutor): Promise<{ results: FleetResult[]; handle: FleetHandle }> {
  const start = await fleet.start(PACKAGE, [CHECK], () => ({ HEALOPS_CHECK: CHECK.name }));
  const results: FleetResult[] = [];
  let handle = start;
  for (let pass = 0; pass < 500 && handle.commands.length > 0; pass++) {
    const poll = await fleet.poll(handle);
    results.push(...poll.results);
    handle = poll.handle;
    if (handle.commands.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(handle.commands).toEqual([]);
  return { results, handle: start };
}

function single(options: { bucket?: string; problems?: string[]; lazy?: boolean } = {}): SsmExecutor {
  return new SsmExecutor({
    client: ssm(),
    documents: (name) =>
      name === 'big' ? { documentName: DOCUMENT.name, documentBytes: DOCUMENT.bytes } : undefined,
    clock: { now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    poll: { firstMs: 20, maxMs: 100 },
    deliveryTimeoutSeconds: 30,
    output: output(options.bucket, options.lazy),
    onOutputProblem: (message) => options.problems?.push(message),
  });
}

async function singleRun(executor: SsmExecutor, maxOutputBytes: number): Promise<ExecResult> {
  return executor.run({
    target: HOST,
    job: { package: 'big', id: 'check:chatty' },
    argv: ['checks/chatty.sh'],
    env: { HEALOPS_PACKAGE: 'big', HEALOPS_CHECK: 'chatty', HEALOPS_TARGET: HOST },
    timeoutMs: 60_000,
    maxOutputBytes,
  });
}

describe('SSM output beyond GetCommandInvocation limits, from S3', () => {
  it('the emulator writes the full streams at the agent key layout and answers them in the URL fields', async () => {
    addHost(7_500, 1_250);
    const runner = new SsmRunner(ssm(), { output: output() });
    const [sent] = await runner.send(
      {
        documentName: DOCUMENT.name,
        parameters: { job: ['check:chatty'], env: [''], executionTimeout: ['60'] },
        deliveryTimeoutSeconds: 30,
      },
      { type: 'instanceIds', instanceIds: [HOST] },
      { maxConcurrency: '1', maxErrors: '1' },
    );
    if (sent === undefined) throw new Error('nothing sent');
    await emulator.waitForIdle();
    const key = `${PREFIX}/${sent.commandId}/${HOST}/awsrunShellScript/${SSM_LINUX_STEP}`;
    const url = `https://s3.${REGION}.amazonaws.com/${BUCKET}/${key}`;

    const client = ssm();
    const listed = await client.send(
      new ListCommandInvocationsCommand({ CommandId: sent.commandId, Details: true }),
    );
    const [linux, windows] = listed.CommandInvocations?.[0]?.CommandPlugins ?? [];
    expect(linux).toMatchObject({
      Name: SSM_LINUX_STEP,
      OutputS3BucketName: BUCKET,
      OutputS3KeyPrefix: `${PREFIX}/${sent.commandId}/${HOST}/awsrunShellScript`,
      StandardOutputUrl: `${url}/stdout`,
      StandardErrorUrl: `${url}/stderr`,
    });
    // The skipped Windows step ran nothing and wrote nothing; the invocation has two steps, so no URL of its own.
    expect(windows?.StandardOutputUrl).toBe('');
    expect(listed.CommandInvocations?.[0]?.StandardOutputUrl).toBe('');
    const detail = await client.send(
      new GetCommandInvocationCommand({
        CommandId: sent.commandId,
        InstanceId: HOST,
        PluginName: SSM_LINUX_STEP,
      }),
    );
    expect(detail.StandardOutputContent).toHaveLength(24_000);
    expect(detail.StandardErrorContent).toHaveLength(8_000);
    expect(detail.StandardOutputUrl).toBe(`${url}/stdout`);

    // The runner builds the same key when SSM answers no URL.
    expect(
      ssmOutputKey(
        output(),
        { commandId: sent.commandId, instanceId: HOST, stepName: SSM_LINUX_STEP },
        'stdout',
      ),
    ).toBe(`${key}/stdout`);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${key}/stdout` }));
    expect(await object.Body?.transformToString()).toBe(lines(7_500));
    const errors = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${key}/stderr` }));
    expect(await errors.Body?.transformToString()).toBe(lines(1_250));
    expect(emulator.commands[0]?.commandId).toBe(sent.commandId);
    client.destroy();
  });

  it('a check printing 60,000 characters comes back whole through the fleet executor, stderr too', async () => {
    addHost(7_500, 1_250);
    const fleet = new SsmFleetExecutor(new SsmRunner(ssm(), { output: output() }));
    const { results } = await fleetRun(fleet);
    expect(results).toHaveLength(1);
    const exec = results[0]?.exec;
    expect(exec?.exitCode).toBe(0);
    expect(exec?.stdout).toHaveLength(60_000);
    expect(exec?.stdout).toBe(lines(7_500));
    expect(exec?.stderr).toBe(lines(1_250));
    expect(exec?.truncated).toBe(false);
    // Both streams reached GetCommandInvocation's limits; each read is bounded by the default 256 KiB.
    expect(gets.map((g) => g.Range)).toEqual([`bytes=0-${256 * 1024}`, `bytes=0-${256 * 1024}`]);
    expect(gets.map((g) => g.Key?.split('/').at(-1))).toEqual(['stdout', 'stderr']);
  });

  it('a check printing 60,000 characters comes back whole through the single-target executor (lazy S3 client)', async () => {
    addHost(7_500);
    const result = await singleRun(single({ lazy: true }), 256 * 1024);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(lines(7_500));
    expect(result.stderr).toBe('');
    expect(result.truncated).toBe(false);
    expect(gets).toHaveLength(1);
  });

  it('reads nothing from S3 when GetCommandInvocation holds the whole output', async () => {
    addHost(2_000);
    const result = await singleRun(single(), 256 * 1024);
    expect(result.stdout).toBe(lines(2_000));
    expect(result.truncated).toBe(false);
    expect(gets).toEqual([]);
  });

  it('200 KB of output with a 64 KB bound comes back as its first 64 KB, truncated', async () => {
    addHost(25_600);
    const bound = 64 * 1024;
    const expected = lines(25_600).slice(0, bound);

    const fleet = new SsmFleetExecutor(new SsmRunner(ssm(), { output: output() }), { maxOutputBytes: bound });
    const { results } = await fleetRun(fleet);
    expect(results[0]?.exec.stdout).toBe(expected);
    expect(results[0]?.exec.truncated).toBe(true);

    const result = await singleRun(single(), bound);
    expect(result.stdout).toHaveLength(bound);
    expect(result.stdout).toBe(expected);
    expect(result.truncated).toBe(true);
    expect(gets.map((g) => g.Range)).toEqual([`bytes=0-${bound}`, `bytes=0-${bound}`]);
  });

  it('with the bucket missing, delivers the result with the 24,000 characters SSM kept, truncated, and why', async () => {
    addHost(7_500);
    const missing = 'healops-no-such-bucket';
    const problems: string[] = [];
    const fleet = new SsmFleetExecutor(
      new SsmRunner(ssm(), { output: output(missing), onOutputProblem: (m) => problems.push(m) }),
    );
    const { results } = await fleetRun(fleet);
    const exec = results[0]?.exec;
    expect(exec?.exitCode).toBe(0);
    expect(exec?.stdout).toBe(lines(7_500).slice(0, 24_000));
    expect(exec?.truncated).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`s3://${missing}/${PREFIX}/`);
    expect(problems[0]).toContain('NoSuchBucket');
    // The agent could not write either: it logged that and reported the step as usual.
    expect(emulator.s3OutputFailures.join('\n')).toContain('NoSuchBucket');

    const singleProblems: string[] = [];
    const result = await singleRun(single({ bucket: missing, problems: singleProblems }), 256 * 1024);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toHaveLength(24_000);
    expect(result.truncated).toBe(true);
    expect(singleProblems[0]).toContain('NoSuchBucket');
  });
});
