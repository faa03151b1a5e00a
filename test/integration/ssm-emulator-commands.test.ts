import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type SsmEmulator,
  type SsmStatusChangeEvent,
  startSsmEmulator,
} from '../support/ssm-emulator/index.js';
import {
  crossPlatformDocument,
  instanceId,
  listAll,
  rejection,
  send,
  shellDocument,
  ssmClient,
} from './ssm-emulator-kit.js';

// The SSM Run Command emulator (test/support/ssm-emulator) driven only through the real @aws-sdk/client-ssm:
// commands run for real on emulated Linux nodes, statuses, outputs and the service's limits.

let emulator: SsmEmulator;
let client: SSMClient;
const events: SsmStatusChangeEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  emulator = await startSsmEmulator({ timeScale: 0.01, onEvent: (e) => events.push(e) });
  client = ssmClient(emulator);
});

afterEach(async () => {
  client.destroy();
  await emulator.close();
});

function addLinux(count: number, tags: Record<string, string> = { Role: 'web' }, first = 1): string[] {
  const ids: string[] = [];
  for (let n = first; n < first + count; n++) {
    emulator.addInstance({ instanceId: instanceId(n), platform: 'linux', tags });
    ids.push(instanceId(n));
  }
  return ids;
}

describe('running a document on emulated Linux nodes', () => {
  it('runs the Linux step on every node a tag target selects and reports exit code and output per node', async () => {
    const web = addLinux(3);
    addLinux(1, { Role: 'db' }, 10);
    emulator.addDocument(
      'HealOps-web-check',
      crossPlatformDocument({
        lines: [
          'echo "CRITICAL - web down on $HEALOPS_EMULATED_INSTANCE_ID | time=1s"',
          'echo oops >&2',
          'exit 2',
        ],
      }),
    );
    const sent = await client.send(
      new SendCommandCommand({
        DocumentName: 'HealOps-web-check',
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        TimeoutSeconds: 60,
      }),
    );
    expect(sent.Command).toMatchObject({
      Status: 'Pending',
      TargetCount: 3,
      DocumentName: 'HealOps-web-check',
    });
    expect(sent.Command?.RequestedDateTime).toBeInstanceOf(Date);
    const commandId = sent.Command?.CommandId ?? '';
    await emulator.waitForIdle();

    const invocations = await listAll(client, commandId);
    expect(invocations.map((i) => i.InstanceId)).toEqual(web);
    for (const invocation of invocations) {
      expect(invocation).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Failed',
        DocumentName: 'HealOps-web-check',
      });
      expect(invocation.InstanceName).toMatch(/\.ec2\.internal$/);
      const [linux, windows] = invocation.CommandPlugins ?? [];
      expect(linux).toMatchObject({
        Name: 'linux',
        Status: 'Failed',
        ResponseCode: 2,
        Output: `CRITICAL - web down on ${invocation.InstanceId} | time=1s\n\n----------ERROR-------\noops\n`,
      });
      expect(linux?.ResponseStartDateTime).toBeInstanceOf(Date);
      expect(windows).toMatchObject({ Name: 'windows', Status: 'Success', ResponseCode: 0 });
    }
    const detail = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: web[0], PluginName: 'linux' }),
    );
    expect(detail).toMatchObject({
      Status: 'Failed',
      ResponseCode: 2,
      StandardOutputContent: `CRITICAL - web down on ${web[0]} | time=1s\n`,
      StandardErrorContent: 'oops\n',
    });
    expect(Date.parse(detail.ExecutionEndDateTime ?? '')).toBeGreaterThanOrEqual(
      Date.parse(detail.ExecutionStartDateTime ?? ''),
    );
  });

  it('emits the EventBridge status-change events SSM sends, ending in each invocation status', async () => {
    const [id] = addLinux(1);
    emulator.addDocument('ok', shellDocument(['true']));
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: [id ?? ''] });
    await emulator.waitForIdle();
    const invocationEvents = events.filter(
      (e) => e['detail-type'] === 'EC2 Command Invocation Status-change Notification',
    );
    expect(invocationEvents.map((e) => e.detail.status)).toEqual(['InProgress', 'Success']);
    expect(invocationEvents[1]).toMatchObject({
      source: 'aws.ssm',
      region: 'us-east-1',
      resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${id}`],
      detail: { 'command-id': commandId, 'document-name': 'ok', 'instance-id': id },
    });
    const commandEvents = events.filter((e) => e['detail-type'] === 'EC2 Command Status-change Notification');
    expect(commandEvents.map((e) => e.detail.status)).toEqual(['InProgress', 'Success']);
  });

  it('keeps state in a per-node working directory and gives scripts a minimal environment', async () => {
    const [id] = addLinux(1);
    emulator.addDocument('write', shellDocument(['echo first > state.txt']));
    emulator.addDocument(
      'read',
      shellDocument([
        'cat state.txt',
        'pwd',
        'echo "$HOME|$AWS_SSM_INSTANCE_ID|$AWS_SSM_REGION_NAME"',
        'env | wc -l',
      ]),
    );
    await send(client, { DocumentName: 'write', InstanceIds: [id ?? ''] });
    await emulator.waitForIdle();
    const commandId = await send(client, { DocumentName: 'read', InstanceIds: [id ?? ''] });
    await emulator.waitForIdle();
    const out = await client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
    const [state, cwd, env, count] = (out.StandardOutputContent ?? '').trim().split('\n');
    expect(state).toBe('first');
    expect(cwd).toBe(emulator.workDir(id ?? ''));
    expect(env).toMatch(new RegExp(`/home\\|${id}\\|us-east-1$`));
    expect(Number(count)).toBeLessThan(12);
  });
});

describe('output limits', () => {
  it('cuts CommandPlugin Output at 2,500 characters with the agent marker and keeps 24,000 / 8,000 in GetCommandInvocation', async () => {
    const [small, large] = addLinux(2);
    emulator.addDocument('big', {
      ...shellDocument([
        'if [ "$HEALOPS_EMULATED_INSTANCE_ID" = "{{ small }}" ]; then n=10000; else n=30000; fi',
        'head -c "$n" /dev/zero | tr "\\0" x',
        'head -c 9000 /dev/zero | tr "\\0" e >&2',
      ]),
      parameters: { small: { type: 'String' } },
    });
    const commandId = await send(client, {
      DocumentName: 'big',
      InstanceIds: [small ?? '', large ?? ''],
      Parameters: { small: [small ?? ''] },
    });
    await emulator.waitForIdle();
    const [first] = await listAll(client, commandId);
    const output = first?.CommandPlugins?.[0]?.Output ?? '';
    expect(output).toHaveLength(2500);
    expect(output).toContain('\n---Output truncated---\n----------ERROR-------\n');
    expect(output.endsWith('\n---Error truncated----')).toBe(true);

    const full = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: small }),
    );
    expect(full.StandardOutputContent).toBe('x'.repeat(10_000));
    expect(full.StandardErrorContent).toBe('e'.repeat(8000));
    const cut = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: large }),
    );
    expect(cut.StandardOutputContent).toBe('x'.repeat(24_000));
  });
});

describe('request limits and errors as the SDK sees them', () => {
  it('refuses 51 instance ids with a ValidationException and accepts 50', async () => {
    const ids = addLinux(51);
    emulator.addDocument('ok', shellDocument(['true']));
    const error = await rejection(
      client.send(new SendCommandCommand({ DocumentName: 'ok', InstanceIds: ids })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(
      "at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: ids.slice(0, 50) });
    expect(emulator.commands.find((c) => c.commandId === commandId)?.targetCount).toBe(50);
  });

  it.each([
    ['an unknown document', { DocumentName: 'nope', InstanceIds: [instanceId(1)] }, 'InvalidDocument'],
    [
      'an unknown document version',
      { DocumentName: 'ok', DocumentVersion: '7', InstanceIds: [instanceId(1)] },
      'InvalidDocumentVersion',
    ],
    [
      'an instance that is not a managed node',
      { DocumentName: 'ok', InstanceIds: [instanceId(99)] },
      'InvalidInstanceId',
    ],
    [
      'the same instance twice',
      { DocumentName: 'ok', InstanceIds: [instanceId(1), instanceId(1)] },
      'DuplicateInstanceId',
    ],
    ['a malformed instance id', { DocumentName: 'ok', InstanceIds: ['web-1'] }, 'ValidationException'],
    [
      'a delivery timeout under 30 s',
      { DocumentName: 'ok', InstanceIds: [instanceId(1)], TimeoutSeconds: 5 },
      'ValidationException',
    ],
    [
      'a bad MaxErrors',
      { DocumentName: 'ok', InstanceIds: [instanceId(1)], MaxErrors: '101%' },
      'ValidationException',
    ],
    [
      'six targets',
      {
        DocumentName: 'ok',
        Targets: Array.from({ length: 6 }, (_, i) => ({ Key: `tag:K${i}`, Values: ['v'] })),
      },
      'ValidationException',
    ],
    [
      'a parameter the document does not declare',
      { DocumentName: 'ok', InstanceIds: [instanceId(1)], Parameters: { x: ['1'] } },
      'InvalidParameters',
    ],
  ])('refuses SendCommand with %s, answering the modelled error', async (_, input, name) => {
    addLinux(1);
    emulator.addDocument('ok', shellDocument(['true']));
    const error = await rejection(client.send(new SendCommandCommand(input)));
    expect(error.name).toBe(name);
    expect(emulator.invocations).toEqual([]);
  });

  it('pages ListCommandInvocations 50 at a time over 120 nodes and refuses MaxResults 51', async () => {
    const ids = addLinux(120);
    emulator.addDocument('ok', shellDocument(['true']));
    const commandId = await send(client, {
      DocumentName: 'ok',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      MaxConcurrency: '100%',
    });
    await emulator.waitForIdle();
    const sizes: number[] = [];
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: 50, NextToken: token }),
      );
      sizes.push(page.CommandInvocations?.length ?? 0);
      seen.push(...(page.CommandInvocations ?? []).map((i) => i.InstanceId ?? ''));
      token = page.NextToken;
    } while (token !== undefined);
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen.sort()).toEqual(ids);
    const error = await rejection(
      client.send(new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: 51 })),
    );
    expect(error.name).toBe('ValidationException');
    const forged = await rejection(
      client.send(new ListCommandInvocationsCommand({ CommandId: commandId, NextToken: 'bm9wZQ' })),
    );
    expect(forged.name).toBe('InvalidNextToken');
  });

  it('filters ListCommandInvocations by Status', async () => {
    const [ok, bad] = addLinux(2);
    emulator.addDocument('half', shellDocument([`[ "$HEALOPS_EMULATED_INSTANCE_ID" = "${ok}" ]`]));
    const commandId = await send(client, {
      DocumentName: 'half',
      InstanceIds: [ok ?? '', bad ?? ''],
      MaxErrors: '1',
    });
    await emulator.waitForIdle();
    const failed = await client.send(
      new ListCommandInvocationsCommand({
        CommandId: commandId,
        Filters: [{ key: 'Status', value: 'Failed' }],
      }),
    );
    expect(failed.CommandInvocations?.map((i) => i.InstanceId)).toEqual([bad]);
  });

  it('stops sending once MaxErrors is exceeded: the rest end Cancelled with StatusDetails Terminated', async () => {
    const ids = addLinux(5);
    emulator.addDocument('fail', shellDocument(['exit 1']));
    const commandId = await send(client, {
      DocumentName: 'fail',
      InstanceIds: ids,
      MaxConcurrency: '1',
      MaxErrors: '1',
    });
    await emulator.waitForIdle();
    const invocations = await listAll(client, commandId);
    expect(invocations.map((i) => `${i.Status}/${i.StatusDetails}`)).toEqual([
      'Failed/Failed',
      'Failed/Failed',
      'Cancelled/Terminated',
      'Cancelled/Terminated',
      'Cancelled/Terminated',
    ]);
    expect(invocations[4]?.CommandPlugins?.[0]?.ResponseCode).toBe(-1);
    expect(emulator.processesStarted).toBe(2);
    expect(emulator.commands[0]).toMatchObject({ status: 'Failed', errorCount: 2, completedCount: 5 });
  });

  it('answers InvocationDoesNotExist right after SendCommand while the invocations are not visible yet', async () => {
    await emulator.close();
    emulator = await startSsmEmulator({ timeScale: 0.01, invocationLagMs: 300 });
    client.destroy();
    client = ssmClient(emulator);
    const [id] = addLinux(1);
    emulator.addDocument('ok', shellDocument(['echo ready']));
    const commandId = await send(client, { DocumentName: 'ok', InstanceIds: [id ?? ''] });
    const early = await rejection(
      client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id })),
    );
    expect(early.name).toBe('InvocationDoesNotExist');
    const listed = await client.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
    expect(listed.CommandInvocations).toEqual([]);
    await emulator.waitForIdle();
    await new Promise((resolve) => setTimeout(resolve, 320));
    const later = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }),
    );
    expect(later).toMatchObject({ Status: 'Success', StandardOutputContent: 'ready\n' });
  });

  it('answers unknown commands with InvalidCommandId and unknown invocations with InvocationDoesNotExist', async () => {
    const [id] = addLinux(1);
    const unknown = '11111111-2222-3333-4444-555555555555';
    expect((await rejection(client.send(new CancelCommandCommand({ CommandId: unknown })))).name).toBe(
      'InvalidCommandId',
    );
    const missing = await rejection(
      client.send(new GetCommandInvocationCommand({ CommandId: unknown, InstanceId: id })),
    );
    expect(missing.name).toBe('InvocationDoesNotExist');
  });
});
