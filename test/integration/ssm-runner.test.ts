import {
  interpretExecution,
  parseManifest,
  ssmCommandDocument,
  ssmJobEnv,
  ssmJobId,
  ssmJobsOf,
} from '@healops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSsmClient,
  type FinishedInvocation,
  type SentCommand,
  SsmRunner,
  ssmExecResult,
} from '../../packages/aws/src/index.js';
import { type SsmEmulator, startSsmEmulator } from '../support/ssm-emulator/index.js';
import { CREDENTIALS, instanceId } from './ssm-emulator-kit.js';

// The AWS path's SSM runner against the protocol-level emulator, with a document generated from a real package:
// the SDK, the document, the shell step and the status mapping all run for real.

const MANIFEST = `name: web
version: 1.0.0
params:
  port: { default: "80" }
checks:
  - name: nginx-up
    script: checks/nginx-up.sh
    timeout: 5s
`;

/** CRITICAL on instances whose HEALOPS_EMULATED_INSTANCE_ID ends in an odd digit; a long output when asked. */
const CHECK = `#!/bin/sh
case "$HEALOPS_EMULATED_INSTANCE_ID" in
  *1|*3|*5|*7|*9) echo "NGINX CRITICAL - port $HEALOPS_PARAM_PORT refused | conns=0"; exit 2 ;;
esac
if [ -n "$LONG" ]; then i=0; while [ $i -lt 400 ]; do echo "line $i of a long output........"; i=$((i+1)); done; fi
echo "NGINX OK - port $HEALOPS_PARAM_PORT answers | conns=5"
`;

const parsed = parseManifest(MANIFEST, 'web/healops.yaml');
if (!parsed.value) throw new Error('fixture manifest does not parse');
const DOCUMENT = ssmCommandDocument({
  package: 'web',
  version: '1.0.0',
  jobs: ssmJobsOf(parsed.value),
  files: [{ relativePath: 'checks/nginx-up.sh', content: CHECK, platform: 'any' }],
});
const JOB = {
  documentName: DOCUMENT.name,
  parameters: {
    job: [ssmJobId('check', 'nginx-up')],
    env: [ssmJobEnv({ HEALOPS_PARAM_PORT: '8080', HEALOPS_CHECK: 'nginx-up' })],
    executionTimeout: ['600'],
  },
  deliveryTimeoutSeconds: 30,
};
// timeScale 0.01: 600 s of execution timeout is 6 s here, 30 s of delivery timeout 0.3 s.
const RADIUS = { maxConcurrency: '50', maxErrors: '100%' };

let emulator: SsmEmulator;
beforeEach(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
});
afterEach(async () => {
  await emulator.close();
});

function runner(maxAttempts?: number): SsmRunner {
  const client = createSsmClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    ...(maxAttempts ? { maxAttempts } : {}),
  });
  client.config.credentials = async () => CREDENTIALS;
  return new SsmRunner(client);
}

async function collectAll(r: SsmRunner, sent: readonly SentCommand[]): Promise<FinishedInvocation[]> {
  const done: FinishedInvocation[] = [];
  const seen = new Set<string>();
  for (let pass = 0; pass < 200; pass++) {
    let pending = 0;
    for (const command of sent) {
      const result = await r.collect(command, seen);
      for (const f of result.finished) {
        seen.add(f.instanceId);
        done.push(f);
      }
      pending += result.pending;
    }
    if (pending === 0 && done.length >= sent.reduce((n, c) => n + c.targetCount, 0)) return done;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not finished: ${done.length} done`);
}

describe('SsmRunner on the SSM emulator', () => {
  it('runs a generated document on 120 hosts with 3 SendCommand calls and pages of 50, exit codes kept', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => instanceId(i + 1));
    for (const id of ids) emulator.addInstance({ instanceId: id, platform: 'linux', tags: { Role: 'web' } });
    const r = runner();
    const sent = await r.send(JOB, { type: 'instanceIds', instanceIds: ids }, RADIUS);
    expect(sent.map((c) => c.targetCount)).toEqual([50, 50, 20]);
    const done = await collectAll(r, sent);
    expect(done).toHaveLength(120);
    const byId = new Map(done.map((f) => [f.instanceId, ssmExecResult(f.outcome)]));
    const odd = byId.get(instanceId(1));
    const even = byId.get(instanceId(2));
    expect(odd).toMatchObject({ exitCode: 2, timedOut: false });
    expect(odd?.stdout).toContain('NGINX CRITICAL - port 8080 refused');
    expect(even).toMatchObject({ exitCode: 0 });
    expect(emulator.calls.SendCommand).toBe(3);
    expect(emulator.calls.GetCommandInvocation ?? 0).toBe(0);
  });

  it('reports the progress of each command from ListCommands pages of 50, stopping once all are found', async () => {
    for (let i = 1; i <= 2; i++) emulator.addInstance({ instanceId: instanceId(i), platform: 'linux' });
    const r = runner();
    const sent: SentCommand[] = [];
    const requestedAt = new Date(Date.now() - 1_000).toISOString();
    for (let i = 0; i < 60; i++)
      sent.push(
        ...(await r.send(JOB, { type: 'instanceIds', instanceIds: [instanceId(1), instanceId(2)] }, RADIUS)),
      );
    await emulator.waitForIdle();
    const tracked = sent.map((c) => ({ commandId: c.commandId, requestedAt }));
    const progress = await r.progress(tracked, DOCUMENT.name);
    expect(emulator.calls.ListCommands).toBe(2);
    expect(progress.size).toBe(60);
    expect(progress.get(sent[0]?.commandId ?? '')).toEqual({
      status: 'Failed',
      targetCount: 2,
      completedCount: 2,
    });
    // The newest 50 come first: the last 10 sent are all on the first page.
    const newest = await r.progress(tracked.slice(50), DOCUMENT.name);
    expect(newest.size).toBe(10);
    expect(emulator.calls.ListCommands).toBe(3);
    const other = await r.progress(tracked.slice(0, 1), 'Another-Document');
    expect(other.size).toBe(0);
    expect(emulator.calls.ListCommandInvocations).toBe(0);
  });

  it('sends one command for a tag target', async () => {
    for (let i = 1; i <= 60; i++) {
      emulator.addInstance({
        instanceId: instanceId(i),
        platform: 'linux',
        tags: { Role: i <= 55 ? 'web' : 'db' },
      });
    }
    const r = runner();
    const sent = await r.send(JOB, { type: 'tags', tags: { Role: ['web'] } }, RADIUS);
    expect(sent).toHaveLength(1);
    expect(await collectAll(r, sent)).toHaveLength(55);
    expect(emulator.calls.SendCommand).toBe(1);
  });

  it('reads the whole output with GetCommandInvocation when the listing cut it', async () => {
    emulator.addInstance({ instanceId: instanceId(2), platform: 'linux', env: { LONG: '1' } });
    const r = runner();
    const [finished] = await collectAll(
      r,
      await r.send(JOB, { type: 'instanceIds', instanceIds: [instanceId(2)] }, RADIUS),
    );
    const exec = ssmExecResult(finished?.outcome ?? expect.fail('no result'));
    expect(exec.exitCode).toBe(0);
    expect(exec.stdout).toContain('line 399 of a long output');
    expect(exec.stdout).toContain('NGINX OK - port 8080 answers');
    expect(exec.stdout.length).toBeGreaterThan(2_500);
    expect(exec.truncated).toBe(false);
    expect(emulator.calls.GetCommandInvocation).toBe(1);
  });

  it('maps hosts that never ran the script to UNKNOWN with the SSM reason, never to a plugin status', async () => {
    emulator.addInstance({ instanceId: instanceId(2), platform: 'linux', online: false });
    emulator.addInstance({ instanceId: instanceId(4), platform: 'linux', behavior: 'undeliverable' });
    emulator.addInstance({ instanceId: instanceId(6), platform: 'linux', behavior: 'access-denied' });
    const r = runner();
    const done = await collectAll(
      r,
      await r.send(JOB, { type: 'instanceIds', instanceIds: [2, 4, 6].map(instanceId) }, RADIUS),
    );
    const key = { package: 'web', check: 'nginx-up', target: 'x' };
    const reasons = Object.fromEntries(
      done.map((f) => {
        const run = interpretExecution(key, ssmExecResult(f.outcome), new Date());
        return [f.instanceId, `${run.status} ${run.unknownReason} ${run.summary}`];
      }),
    );
    expect(reasons[instanceId(2)]).toMatch(/^unknown spawn-error .*DeliveryTimedOut/);
    expect(reasons[instanceId(4)]).toMatch(/^unknown spawn-error .*Undeliverable/);
    expect(reasons[instanceId(6)]).toMatch(/^unknown spawn-error .*AccessDenied/);
  });

  it('rides out throttling with the client retry strategy, and reports it when retries run out', async () => {
    emulator.addInstance({ instanceId: instanceId(2), platform: 'linux' });
    emulator.throttle('SendCommand', 2);
    const r = runner();
    const sent = await r.send(JOB, { type: 'instanceIds', instanceIds: [instanceId(2)] }, RADIUS);
    expect(await collectAll(r, sent)).toHaveLength(1);
    emulator.throttle('SendCommand', 5);
    await expect(
      runner(2).send(JOB, { type: 'instanceIds', instanceIds: [instanceId(2)] }, RADIUS),
    ).rejects.toThrow(/SSM SendCommand failed: ThrottlingException/);
  });
});
