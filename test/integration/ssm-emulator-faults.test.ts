import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Behavior, type SsmEmulator, startSsmEmulator } from '../support/ssm-emulator/index.js';
import {
  eventually,
  instanceId,
  listAll,
  rejection,
  send,
  shellDocument,
  ssmClient,
} from './ssm-emulator-kit.js';

// Faults the SSM emulator injects, seen through the real @aws-sdk/client-ssm: nodes that are offline, unreachable
// or denied, execution timeouts, API throttling (and the SDK's own retry), and CancelCommand. timeScale 0.01 makes
// one SSM second last 10 ms, so TimeoutSeconds 30 expires after 300 ms.

let emulator: SsmEmulator;
let client: SSMClient;

beforeEach(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  client = ssmClient(emulator);
  emulator.addDocument('ok', shellDocument(['echo ran']));
});

afterEach(async () => {
  client.destroy();
  await emulator.close();
});

/** A killed process whose parent died too stays a zombie until init reaps it: that counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function pidOf(id: string): Promise<number> {
  let text = '';
  await eventually(async () => {
    text = await readFile(join(emulator.workDir(id), 'child.pid'), 'utf8').catch(() => '');
    return text.trim() !== '';
  });
  return Number(text.trim());
}

describe('nodes that cannot take the command', () => {
  it('keeps an offline node Delayed until TimeoutSeconds, then DeliveryTimedOut with ResponseCode -1', async () => {
    const id = instanceId(1);
    emulator.addInstance({ instanceId: id, platform: 'linux', online: false });
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: [id], TimeoutSeconds: 30 });
    await eventually(() => emulator.invocation(commandId, id)?.status === 'Delayed');
    const waiting = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }),
    );
    expect(waiting).toMatchObject({
      Status: 'Delayed',
      StandardOutputContent: '',
      ExecutionStartDateTime: '',
    });
    await emulator.waitForIdle();
    const [invocation] = await listAll(client, commandId);
    expect(invocation).toMatchObject({ Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' });
    expect(invocation?.CommandPlugins?.[0]).toMatchObject({ ResponseCode: -1, Output: '' });
    expect(emulator.processesStarted).toBe(0);
  });

  it('delivers what waited for an offline node as soon as it comes back online', async () => {
    const id = instanceId(1);
    emulator.addInstance({ instanceId: id, platform: 'linux', online: false });
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: [id], TimeoutSeconds: 600 });
    await eventually(() => emulator.invocation(commandId, id)?.status === 'Delayed');
    emulator.setOnline(id, true);
    await emulator.waitForIdle();
    const done = await client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
    expect(done).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'ran\n' });
  });

  it.each<[Behavior, string, string]>([
    ['undeliverable', 'Failed', 'Undeliverable'],
    ['access-denied', 'Failed', 'AccessDenied'],
    ['terminated', 'Cancelled', 'Terminated'],
    ['delivery-timeout', 'TimedOut', 'DeliveryTimedOut'],
  ])('a node that is %s ends %s / %s without running anything', async (behavior, status, details) => {
    const id = instanceId(1);
    emulator.addInstance({ instanceId: id, platform: 'linux', behavior });
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: [id], TimeoutSeconds: 30 });
    await emulator.waitForIdle();
    const answer = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }),
    );
    expect(answer).toMatchObject({
      Status: status,
      StatusDetails: details,
      ResponseCode: -1,
      StandardOutputContent: '',
    });
    expect(emulator.processesStarted).toBe(0);
  });

  it('does not count Undeliverable or DeliveryTimedOut against MaxErrors', async () => {
    emulator.addInstance({ instanceId: instanceId(1), platform: 'linux', behavior: 'undeliverable' });
    emulator.addInstance({ instanceId: instanceId(2), platform: 'linux', behavior: 'delivery-timeout' });
    emulator.addInstance({ instanceId: instanceId(3), platform: 'linux' });
    const commandId = await send(client, {
      DocumentName: 'ok',
      InstanceIds: [instanceId(1), instanceId(2), instanceId(3)],
      MaxConcurrency: '1',
      MaxErrors: '0',
      TimeoutSeconds: 30,
    });
    await emulator.waitForIdle();
    const statuses = (await listAll(client, commandId)).map((i) => i.StatusDetails);
    expect(statuses).toEqual(['Undeliverable', 'DeliveryTimedOut', 'Success']);
  });
});

describe('execution timeout and cancellation', () => {
  it('kills a step that runs past its timeoutSeconds, with everything it started: TimedOut / ExecutionTimedOut', async () => {
    const id = instanceId(1);
    emulator.addInstance({ instanceId: id, platform: 'linux' });
    emulator.addDocument(
      'slow',
      shellDocument(['sleep 30 &', 'echo $! > child.pid', 'echo started', 'wait'], 20),
    );
    const commandId = await send(client, { DocumentName: 'slow', InstanceIds: [id] });
    const pid = await pidOf(id);
    await emulator.waitForIdle();
    const answer = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }),
    );
    expect(answer).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: 137,
      StandardOutputContent: 'started\n',
    });
    await eventually(() => !alive(pid));
  });

  it('cancels one node, then the whole command, killing the running scripts', async () => {
    const ids = [instanceId(1), instanceId(2)];
    for (const id of ids) emulator.addInstance({ instanceId: id, platform: 'linux' });
    emulator.addDocument('long', shellDocument(['sleep 30 &', 'echo $! > child.pid', 'wait']));
    const commandId = await send(client, { DocumentName: 'long', InstanceIds: ids });
    const [first, second] = await Promise.all(ids.map(pidOf));
    await client.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: [ids[0] ?? ''] }));
    await eventually(() => emulator.invocation(commandId, ids[0] ?? '')?.status === 'Cancelled');
    expect(emulator.invocation(commandId, ids[1] ?? '')?.status).toBe('InProgress');
    await eventually(() => !alive(first ?? 0));
    await client.send(new CancelCommandCommand({ CommandId: commandId }));
    await emulator.waitForIdle();
    const invocations = await listAll(client, commandId);
    expect(invocations.map((i) => `${i.Status}/${i.StatusDetails}`)).toEqual([
      'Cancelled/Cancelled',
      'Cancelled/Cancelled',
    ]);
    await eventually(() => !alive(second ?? 0));
  });

  it('cancels invocations not sent yet without starting them', async () => {
    const ids = [instanceId(1), instanceId(2), instanceId(3)];
    for (const id of ids) emulator.addInstance({ instanceId: id, platform: 'linux' });
    emulator.addDocument('long', shellDocument(['sleep 30 &', 'echo $! > child.pid', 'wait']));
    const commandId = await send(client, { DocumentName: 'long', InstanceIds: ids, MaxConcurrency: '1' });
    await pidOf(ids[0] ?? '');
    await client.send(new CancelCommandCommand({ CommandId: commandId }));
    await emulator.waitForIdle();
    expect(emulator.processesStarted).toBe(1);
    expect(emulator.invocations.map((i) => i.status)).toEqual(['Cancelled', 'Cancelled', 'Cancelled']);
  });
});

describe('API throttling', () => {
  it('throttles the next two SendCommand calls and the SDK standard retry gets through on the third attempt', async () => {
    emulator.addInstance({ instanceId: instanceId(1), platform: 'linux' });
    emulator.throttle('SendCommand', 2);
    const answer = await client.send(
      new SendCommandCommand({ DocumentName: 'ok', InstanceIds: [instanceId(1)] }),
    );
    expect(answer.$metadata.attempts).toBe(3);
    expect(emulator.calls.SendCommand).toBe(3);
    expect(emulator.commands).toHaveLength(1);
  });

  it('surfaces ThrottlingException when the SDK may not retry (maxAttempts 1)', async () => {
    emulator.addInstance({ instanceId: instanceId(1), platform: 'linux' });
    const once = ssmClient(emulator, { maxAttempts: 1 });
    emulator.throttle('GetCommandInvocation', 1);
    const commandId = await send(once, { DocumentName: 'ok', InstanceIds: [instanceId(1)] });
    const error = await rejection(
      once.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId(1) })),
    );
    once.destroy();
    expect(error.name).toBe('ThrottlingException');
    expect(emulator.calls.GetCommandInvocation).toBe(1);
  });

  it('throttles calls beyond a rate limit like the real service under load', async () => {
    emulator.addInstance({ instanceId: instanceId(1), platform: 'linux' });
    const once = ssmClient(emulator, { maxAttempts: 1 });
    emulator.rateLimit('SendCommand', 1, 2);
    const results = await Promise.allSettled(
      [1, 2, 3].map(() =>
        once.send(new SendCommandCommand({ DocumentName: 'ok', InstanceIds: [instanceId(1)] })),
      ),
    );
    once.destroy();
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && (rejected.reason as Error).name).toBe('ThrottlingException');
  });
});
