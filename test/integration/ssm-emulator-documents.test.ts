import { GetCommandInvocationCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SsmEmulator, SsmEmulatorSetupError, startSsmEmulator } from '../support/ssm-emulator/index.js';
import {
  crossPlatformDocument,
  instanceId,
  listAll,
  rejection,
  send,
  shellDocument,
  ssmClient,
} from './ssm-emulator-kit.js';

// Command documents in the SSM emulator, through the real @aws-sdk/client-ssm: parameter validation and textual
// substitution, platformType preconditions, Windows nodes (PowerShell cannot run here), plugin names and versions.

const LINUX = instanceId(1);
const WINDOWS = instanceId(2);
let emulator: SsmEmulator;
let client: SSMClient;

beforeEach(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  client = ssmClient(emulator);
  emulator.addInstance({ instanceId: LINUX, platform: 'linux' });
  emulator.addInstance({ instanceId: WINDOWS, platform: 'windows' });
});

afterEach(async () => {
  client.destroy();
  await emulator.close();
});

const SERVICE_DOCUMENT = shellDocument(
  ['echo "restart {{ service }} x{{count}}"', '{{ extra }}'],
  undefined,
  {
    service: { type: 'String', allowedPattern: '^[a-z][a-z0-9-]*$' },
    count: { type: 'Integer', default: 1 },
    mode: { type: 'String', allowedValues: ['soft', 'hard'], default: 'soft' },
    extra: { type: 'StringList', default: ['echo no extra'] },
  },
);

describe('parameters', () => {
  it.each([
    ['a value outside allowedPattern', { service: ['nginx; rm -rf /'] }],
    ['a value outside allowedValues', { service: ['nginx'], mode: ['brutal'] }],
    ['a missing required parameter', { count: ['2'] }],
    ['an unknown parameter', { service: ['nginx'], colour: ['red'] }],
    ['a non-integer Integer', { service: ['nginx'], count: ['two'] }],
    ['two values for a String', { service: ['nginx', 'apache'] }],
  ])('refuses %s with InvalidParameters before anything runs', async (_, parameters) => {
    emulator.addDocument('restart', SERVICE_DOCUMENT);
    const error = await rejection(
      client.send(
        new SendCommandCommand({ DocumentName: 'restart', InstanceIds: [LINUX], Parameters: parameters }),
      ),
    );
    expect(error.name).toBe('InvalidParameters');
    expect(emulator.invocations).toEqual([]);
  });

  it('substitutes {{ name }} textually, fills defaults and expands a whole-line StringList into lines', async () => {
    emulator.addDocument('restart', SERVICE_DOCUMENT);
    const commandId = await send(client, {
      DocumentName: 'restart',
      InstanceIds: [LINUX],
      Parameters: { service: ['nginx'], extra: ['echo one', 'echo two'] },
    });
    await emulator.waitForIdle();
    const answer = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: LINUX }),
    );
    expect(answer.StandardOutputContent).toBe('restart nginx x1\none\ntwo\n');
  });

  it('runs the $DEFAULT version (the first) unless $LATEST or a number is asked for', async () => {
    emulator.addDocument('v', shellDocument(['echo one']));
    expect(emulator.addDocument('v', shellDocument(['echo two']))).toBe('2');
    const ids = await Promise.all(
      [undefined, '$LATEST', '2'].map((version) =>
        send(client, { DocumentName: 'v', DocumentVersion: version, InstanceIds: [LINUX] }),
      ),
    );
    await emulator.waitForIdle();
    const outputs = await Promise.all(
      ids.map((id) => client.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: LINUX }))),
    );
    expect(outputs.map((o) => o.StandardOutputContent)).toEqual(['one\n', 'two\n', 'two\n']);
  });

  it('refuses documents SSM would not create, naming every problem', () => {
    const bad = { schemaVersion: '1.2', mainSteps: [{ action: 'aws:runDocument', name: 'x' }] };
    expect(() => emulator.addDocument('bad', bad)).toThrow(SsmEmulatorSetupError);
    expect(() => emulator.addDocument('bad', bad)).toThrow(
      /schemaVersion must be "2.2"[\s\S]*aws:runDocument/,
    );
  });
});

describe('platforms and preconditions', () => {
  it('skips the Windows step on Linux as Success with the agent message and reports the Linux step', async () => {
    emulator.addDocument('check', crossPlatformDocument({ lines: ['echo linux ok'] }));
    const commandId = await send(client, { DocumentName: 'check', InstanceIds: [LINUX] });
    await emulator.waitForIdle();
    const [invocation] = await listAll(client, commandId);
    expect(invocation).toMatchObject({ Status: 'Success', StatusDetails: 'Success' });
    expect(invocation?.CommandPlugins).toMatchObject([
      { Name: 'linux', Status: 'Success', ResponseCode: 0, Output: 'linux ok\n' },
      {
        Name: 'windows',
        Status: 'Success',
        ResponseCode: 0,
        Output:
          'Step execution skipped due to unsatisfied preconditions: \'"StringEquals": [platformType, Windows]\'. Step name: windows',
      },
    ]);
  });

  it('fails the PowerShell step of a Windows node that has no stand-in (-1, not run) and skips the Linux step', async () => {
    emulator.addDocument('check', crossPlatformDocument({ lines: ['echo linux ok'] }));
    const commandId = await send(client, { DocumentName: 'check', InstanceIds: [WINDOWS] });
    await emulator.waitForIdle();
    const [invocation] = await listAll(client, commandId);
    expect(invocation).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed' });
    const [linux, windows] = invocation?.CommandPlugins ?? [];
    expect(linux).toMatchObject({
      Status: 'Success',
      Output: expect.stringContaining('[platformType, Linux]'),
    });
    expect(windows).toMatchObject({ Status: 'Failed', ResponseCode: -1 });
    expect(windows?.Output).toContain('PowerShell cannot run on this machine');
    expect(emulator.processesStarted).toBe(0);
  });

  it('hands a Windows node PowerShell step, parameters substituted, to the node stand-in', async () => {
    const seen: string[] = [];
    emulator.addInstance({
      instanceId: instanceId(3),
      platform: 'windows',
      powerShell: (script, { instanceId: id }) => {
        seen.push(script);
        return { exitCode: 2, stdout: `CRITICAL - IIS stopped on ${id}\n`, stderr: '' };
      },
    });
    emulator.addDocument(
      'check',
      crossPlatformDocument(
        { lines: ['true'] },
        { lines: ['Get-Service {{ name }}'] },
        { name: { type: 'String' } },
      ),
    );
    const commandId = await send(client, {
      DocumentName: 'check',
      InstanceIds: [instanceId(3)],
      Parameters: { name: ['W3SVC'] },
    });
    await emulator.waitForIdle();
    expect(seen).toEqual(['Get-Service W3SVC\n']);
    const step = await client.send(
      new GetCommandInvocationCommand({
        CommandId: commandId,
        InstanceId: instanceId(3),
        PluginName: 'windows',
      }),
    );
    expect(step).toMatchObject({
      Status: 'Failed',
      ResponseCode: 2,
      PluginName: 'windows',
      StandardOutputContent: `CRITICAL - IIS stopped on ${instanceId(3)}\n`,
    });
  });

  it('marks a node whose platform no step supports InvalidPlatform', async () => {
    emulator.addDocument('shell-only', shellDocument(['echo hi']));
    const commandId = await send(client, { DocumentName: 'shell-only', InstanceIds: [WINDOWS] });
    await emulator.waitForIdle();
    const answer = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: WINDOWS }),
    );
    expect(answer).toMatchObject({ Status: 'Failed', StatusDetails: 'InvalidPlatform', ResponseCode: -1 });
  });

  it('answers a multi-step invocation without PluginName with its status but no output, and an unknown step with InvalidPluginName', async () => {
    emulator.addDocument('check', crossPlatformDocument({ lines: ['echo linux ok', 'exit 1'] }));
    const commandId = await send(client, { DocumentName: 'check', InstanceIds: [LINUX] });
    await emulator.waitForIdle();
    const whole = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: LINUX }),
    );
    expect(whole).toMatchObject({
      Status: 'Failed',
      ResponseCode: 1,
      StandardOutputContent: '',
      PluginName: '',
    });
    const step = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: LINUX, PluginName: 'linux' }),
    );
    expect(step.StandardOutputContent).toBe('linux ok\n');
    const error = await rejection(
      client.send(
        new GetCommandInvocationCommand({
          CommandId: commandId,
          InstanceId: LINUX,
          PluginName: 'aws:runShellScript',
        }),
      ),
    );
    expect(error.name).toBe('InvalidPluginName');
  });

  it('selects nodes by resource group and by several targets that must all match', async () => {
    emulator.addInstance({
      instanceId: instanceId(4),
      platform: 'linux',
      tags: { Role: 'web', Env: 'prod' },
      resourceGroups: ['shop'],
    });
    emulator.addInstance({
      instanceId: instanceId(5),
      platform: 'linux',
      tags: { Role: 'web', Env: 'test' },
      resourceGroups: ['shop'],
    });
    emulator.addDocument('ok', shellDocument(['true']));
    const group = await client.send(
      new SendCommandCommand({
        DocumentName: 'ok',
        Targets: [{ Key: 'resource-groups:Name', Values: ['shop'] }],
      }),
    );
    expect(group.Command?.TargetCount).toBe(2);
    const both = await send(client, {
      DocumentName: 'ok',
      Targets: [
        { Key: 'tag:Role', Values: ['web'] },
        { Key: 'tag:Env', Values: ['prod', 'staging'] },
      ],
    });
    await emulator.waitForIdle();
    expect((await listAll(client, both)).map((i) => i.InstanceId)).toEqual([instanceId(4)]);
  });
});
