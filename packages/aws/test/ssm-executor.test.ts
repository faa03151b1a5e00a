import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeSsmJobEnv,
  type ExecRequest,
  interpretExecution,
  SSM_PARAMETER_RESERVE_BYTES,
} from '@healops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SsmEmulator, startSsmEmulator } from '../../../test/support/ssm-emulator/index.js';
import { createSsmClient } from '../src/ssm/ssm-client.js';
import { SsmExecutor, type SsmExecutorOptions } from '../src/ssm/ssm-executor.js';
import { SsmExecutorError } from '../src/ssm/ssm-executor-error.js';
import {
  FIXTURE_DOCUMENT,
  FIXTURE_PACKAGE,
  instanceId,
  stateDir,
  wallClock,
} from './support/repair-fixture.js';

// SsmExecutor through the real @aws-sdk/client-ssm against the SSM emulator, which runs the package's generated
// document (its shell step) on this machine for each emulated instance.

const CREDENTIALS = { accessKeyId: 'AKIDSSMEXECUTOR', secretAccessKey: 'ssm-executor-test-secret' };
const HOST = instanceId(1);

let emulator: SsmEmulator;
let dir: string;
let version: string;

beforeEach(async () => {
  // timeScale 0.01: one SSM second lasts 10 ms (delivery timeouts, executionTimeout).
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  version = emulator.addDocument(FIXTURE_DOCUMENT.name, FIXTURE_DOCUMENT.content);
  dir = await stateDir();
  emulator.addInstance({ instanceId: HOST, platform: 'linux', env: { SVC_STATE_DIR: dir } });
});
afterEach(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

function executor(options: Partial<SsmExecutorOptions> = {}): SsmExecutor {
  const client = createSsmClient({ endpoint: emulator.endpoint, region: 'us-east-1' });
  client.config.credentials = async () => CREDENTIALS;
  return new SsmExecutor({
    client,
    clock: wallClock,
    documents: (name) =>
      name === FIXTURE_PACKAGE
        ? {
            documentName: FIXTURE_DOCUMENT.name,
            documentVersion: version,
            documentBytes: FIXTURE_DOCUMENT.bytes,
          }
        : undefined,
    poll: { firstMs: 20, maxMs: 100 },
    deliveryTimeoutSeconds: 30,
    ...options,
  });
}

function request(overrides: Partial<ExecRequest> = {}): ExecRequest {
  return {
    target: HOST,
    job: { package: FIXTURE_PACKAGE, id: 'check:svc-up' },
    argv: ['/opt/healops/packages/web/checks/svc-up.sh'],
    env: { HEALOPS_PACKAGE: 'web', HEALOPS_CHECK: 'svc-up', HEALOPS_TARGET: HOST },
    timeoutMs: 90_000,
    maxOutputBytes: 64 * 1024,
    ...overrides,
  };
}

describe('SsmExecutor', () => {
  it('runs the job of the package document on the one target and reports its exit code and output', async () => {
    const result = await executor().run(request());
    expect(result.exitCode).toBe(2);
    expect(result.spawnError).toBeUndefined();
    expect(result.stdout).toBe(`SVC CRITICAL - not running on ${HOST} | up=0`);
    const run = interpretExecution({ package: 'web', check: 'svc-up', target: HOST }, result, new Date());
    expect(run.status).toBe('critical');

    await writeFile(join(dir, 'up'), '');
    const ok = await executor().run(request());
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe('SVC OK - running | up=1');
  });

  it('sends the job id, the environment, stdin and the timeout in seconds as the document parameters', async () => {
    const stdin = JSON.stringify({ status: 'critical', output: 'quotes \' " and $(rm -rf /)' });
    const env = { ...request().env, HEALOPS_REPAIR_ATTEMPT: '1', HEALOPS_CHECK_OUTPUT: "it's `down`; $HOME" };
    const result = await executor().run(
      request({ job: { package: 'web', id: 'repair:svc-up' }, env, stdin }),
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('service started');
    expect(await readFile(join(dir, 'last-stdin'), 'utf8')).toBe(stdin);
    expect(await readFile(join(dir, 'last-output'), 'utf8')).toBe(env.HEALOPS_CHECK_OUTPUT);

    const [command] = emulator.commands;
    expect(command?.documentName).toBe(FIXTURE_DOCUMENT.name);
    expect(command?.documentVersion).toBe(version);
    expect(command?.parameters.job).toEqual(['repair:svc-up']);
    expect(command?.parameters.executionTimeout).toEqual(['90']);
    expect(decodeSsmJobEnv(command?.parameters.env?.[0] ?? '')).toEqual(env);
    expect(command?.targetCount).toBe(1);
    expect(command?.timeoutSeconds).toBe(30);
  });

  it('shortens HEALOPS_CHECK_OUTPUT, then the check run on stdin, to fit the parameter room of the document', async () => {
    const output = 'x'.repeat(30_000);
    const stdin = JSON.stringify({ status: 'critical', output, longOutput: output, truncated: false });
    const env = { ...request().env, HEALOPS_CHECK_OUTPUT: output };
    const result = await executor().run(
      request({ job: { package: 'web', id: 'repair:svc-up' }, env, stdin }),
    );
    expect(result.exitCode).toBe(0);

    const [command] = emulator.commands;
    const sentEnv = command?.parameters.env?.[0] ?? '';
    const sentStdin = command?.parameters.stdin?.[0] ?? '';
    expect(sentEnv.length + sentStdin.length).toBeLessThanOrEqual(64 * 1024 - FIXTURE_DOCUMENT.bytes);
    const decoded = decodeSsmJobEnv(sentEnv);
    expect(decoded.HEALOPS_CHECK_OUTPUT).toBe('');
    expect(decoded.HEALOPS_CHECK).toBe('svc-up');
    const received = JSON.parse(await readFile(join(dir, 'last-stdin'), 'utf8')) as Record<string, unknown>;
    expect(received.status).toBe('critical');
    expect(received.truncated).toBe(true);
    expect(String(received.output).length).toBeGreaterThan(1_000);
    expect(String(received.output).length).toBeLessThan(output.length);
  });

  it('keeps the output on stdin whole when shortening HEALOPS_CHECK_OUTPUT is enough', async () => {
    const stdin = JSON.stringify({ status: 'critical', output: 'short' });
    const env = { ...request().env, HEALOPS_CHECK_OUTPUT: 'y'.repeat(40_000) };
    const result = await executor().run(
      request({ job: { package: 'web', id: 'repair:svc-up' }, env, stdin }),
    );
    expect(result.exitCode).toBe(0);
    expect(await readFile(join(dir, 'last-stdin'), 'utf8')).toBe(stdin);
    const kept = await readFile(join(dir, 'last-output'), 'utf8');
    expect(kept.length).toBeGreaterThan(1_000);
    expect(kept.length).toBeLessThan(40_000);
    expect(kept).toBe('y'.repeat(kept.length));
  });

  it('reads a command whose invocation does not exist yet right after SendCommand', async () => {
    await emulator.close();
    emulator = await startSsmEmulator({ timeScale: 0.01, invocationLagMs: 300 });
    version = emulator.addDocument(FIXTURE_DOCUMENT.name, FIXTURE_DOCUMENT.content);
    emulator.addInstance({ instanceId: HOST, platform: 'linux', env: { SVC_STATE_DIR: dir } });
    const result = await executor().run(request());
    expect(result.exitCode).toBe(2);
    expect(emulator.calls.ListCommandInvocations).toBeGreaterThan(1);
  });

  it('rides out throttled SendCommand calls with the client retries', async () => {
    emulator.throttle('SendCommand', 2);
    const result = await executor().run(request());
    expect(result.exitCode).toBe(2);
    expect(emulator.calls.SendCommand).toBe(3);
  });

  it.each([
    ['an offline host (delivery timed out)', { online: false }, /DeliveryTimedOut/],
    ['an undeliverable host', { behavior: 'undeliverable' as const }, /Undeliverable/],
    ['a host that denies access', { behavior: 'access-denied' as const }, /AccessDenied/],
  ])('reports %s as a result the engine reads as UNKNOWN', async (_name, spec, detail) => {
    const other = instanceId(2);
    emulator.addInstance({ instanceId: other, platform: 'linux', env: { SVC_STATE_DIR: dir }, ...spec });
    const result = await executor().run(request({ target: other }));
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(detail);
    const run = interpretExecution({ package: 'web', check: 'svc-up', target: other }, result, new Date());
    expect(run.status).toBe('unknown');
  });

  it('resolves with a spawn error, never rejects, when SSM refuses the command', async () => {
    const result = await executor().run(request({ target: instanceId(99) }));
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(/could not send check:svc-up to i-0+63/);
    expect(result.spawnError).toMatch(/InvalidInstanceId/);
  });

  it('cancels the command when the signal aborts, and resolves', async () => {
    const controller = new AbortController();
    const running = executor().run(
      request({ job: { package: 'web', id: 'check:slow' }, timeoutMs: 60_000 }),
      controller.signal,
    );
    const started = join(dir, 'slow-started');
    for (let i = 0; i < 500 && !existsSync(started); i++) await wallClock.sleep(10);
    expect(existsSync(started)).toBe(true);
    controller.abort();
    const result = await running;
    expect(result.signal).toBe('SSM Cancelled');
    expect(result.exitCode).toBeNull();
    expect(emulator.calls.CancelCommand).toBe(1);
    await emulator.waitForIdle();
    const [invocation] = emulator.invocations;
    expect(invocation?.status).toBe('Cancelled');
  });

  it('gives up and cancels when SSM has no result by the deadline', async () => {
    // A clock 1,000 times faster than the wall: job timeout + delivery timeout + grace (1,031 s) end after about
    // 1 s, while SSM (at time scale 0.01) would stop the job only after 10 s.
    const base = Date.now();
    const fast = {
      now: () => new Date(base + (Date.now() - base) * 1_000),
      sleep: (ms: number, signal?: AbortSignal) => wallClock.sleep(ms / 1_000, signal),
    };
    const result = await executor({
      clock: fast,
      graceMs: 1_000,
      poll: { firstMs: 1_000, maxMs: 2_000 },
    }).run(request({ job: { package: 'web', id: 'check:slow' }, timeoutMs: 1_000_000 }));
    expect(result.timedOut).toBe(true);
    expect(result.stderr).toMatch(/no result from SSM command/);
    expect(emulator.calls.CancelCommand).toBe(1);
  });

  it('rejects a package without a known document', async () => {
    await expect(
      executor().run(request({ job: { package: 'db', id: 'check:svc-up' } })),
    ).rejects.toBeInstanceOf(SsmExecutorError);
    expect(emulator.calls.SendCommand).toBe(0);
  });

  it('assumes the reserve as parameter room when the document size is not known', async () => {
    const env = { ...request().env, HEALOPS_CHECK_OUTPUT: 'z'.repeat(40_000) };
    const result = await executor({ documents: () => ({ documentName: FIXTURE_DOCUMENT.name }) }).run(
      request({ job: { package: 'web', id: 'repair:svc-up' }, env, stdin: '' }),
    );
    expect(result.exitCode).toBe(0);
    const [command] = emulator.commands;
    const sent = (command?.parameters.env?.[0] ?? '').length + (command?.parameters.stdin?.[0] ?? '').length;
    expect(sent).toBeLessThanOrEqual(SSM_PARAMETER_RESERVE_BYTES);
    expect(sent).toBeGreaterThan(SSM_PARAMETER_RESERVE_BYTES - 100);
  });
});
