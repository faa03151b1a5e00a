import {
  type Command,
  ListCommandsCommand,
  type ListCommandsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SsmEmulator, startSsmEmulator } from '../support/ssm-emulator/index.js';
import { instanceId, rejection, send, shellDocument, sleep, ssmClient } from './ssm-emulator-kit.js';

// ListCommands on the emulator through the real SDK client: one command by id, filters, pages of at most 50,
// CompletedCount / ErrorCount / TargetCount as the invocations end.

let emulator: SsmEmulator;
let client: SSMClient;
beforeEach(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument('Quick', shellDocument(['exit 0']));
  emulator.addDocument('Fail', shellDocument(['exit 1']));
  for (let i = 1; i <= 3; i++) emulator.addInstance({ instanceId: instanceId(i), platform: 'linux' });
  client = ssmClient(emulator);
});
afterEach(async () => {
  client.destroy();
  await emulator.close();
});

async function listAllCommands(
  input: ListCommandsCommandInput,
): Promise<{ commands: Command[]; pages: number }> {
  const commands: Command[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListCommandsCommand({ ...input, NextToken: token }));
    pages++;
    commands.push(...(page.Commands ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return { commands, pages };
}

const ALL = [1, 2, 3].map(instanceId);

describe('SSM emulator: ListCommands', () => {
  it('lists one command by CommandId with its counts, which reach TargetCount as the invocations end', async () => {
    const id = await send(client, { DocumentName: 'Fail', InstanceIds: ALL });
    const before = await client.send(new ListCommandsCommand({ CommandId: id }));
    expect(before.Commands).toHaveLength(1);
    expect(before.Commands?.[0]).toMatchObject({ CommandId: id, DocumentName: 'Fail', TargetCount: 3 });
    expect(before.Commands?.[0]?.RequestedDateTime).toBeInstanceOf(Date);
    await emulator.waitForIdle();
    const after = await client.send(new ListCommandsCommand({ CommandId: id }));
    expect(after.Commands?.[0]).toMatchObject({
      Status: 'Failed',
      TargetCount: 3,
      CompletedCount: 3,
      ErrorCount: 3,
      DeliveryTimedOutCount: 0,
    });
    expect(emulator.calls.ListCommands).toBe(2);
    expect(emulator.calls.ListCommandInvocations).toBe(0);
  });

  it('filters by DocumentName, InvokedAfter / InvokedBefore, Status and ExecutionStage, newest first', async () => {
    const first = await send(client, { DocumentName: 'Quick', InstanceIds: ALL });
    await emulator.waitForIdle();
    await sleep(30);
    const between = new Date();
    await sleep(30);
    const failed = await send(client, { DocumentName: 'Fail', InstanceIds: ALL });
    const second = await send(client, { DocumentName: 'Quick', InstanceIds: [instanceId(1)] });
    await emulator.waitForIdle();
    const ids = async (input: ListCommandsCommandInput) =>
      (await listAllCommands(input)).commands.map((c) => c.CommandId);
    expect(await ids({})).toEqual([second, failed, first]);
    expect(await ids({ Filters: [{ key: 'DocumentName', value: 'Quick' }] })).toEqual([second, first]);
    expect(await ids({ Filters: [{ key: 'InvokedAfter', value: between.toISOString() }] })).toEqual([
      second,
      failed,
    ]);
    expect(await ids({ Filters: [{ key: 'InvokedBefore', value: between.toISOString() }] })).toEqual([first]);
    expect(
      await ids({
        Filters: [
          { key: 'InvokedAfter', value: between.toISOString() },
          { key: 'DocumentName', value: 'Quick' },
        ],
      }),
    ).toEqual([second]);
    expect(await ids({ Filters: [{ key: 'Status', value: 'Failed' }] })).toEqual([failed]);
    expect(await ids({ Filters: [{ key: 'ExecutionStage', value: 'Complete' }] })).toHaveLength(3);
    expect(await ids({ Filters: [{ key: 'ExecutionStage', value: 'Executing' }] })).toEqual([]);
    expect(await ids({ InstanceId: instanceId(2) })).toEqual([failed, first]);
  });

  it('shows a running command under ExecutionStage Executing with the hosts finished so far', async () => {
    emulator.setLatency(instanceId(3), 400);
    const id = await send(client, { DocumentName: 'Quick', InstanceIds: ALL });
    let running: Command | undefined;
    for (let i = 0; i < 100 && running?.CompletedCount !== 2; i++) {
      await sleep(20);
      const page = await client.send(
        new ListCommandsCommand({ Filters: [{ key: 'ExecutionStage', value: 'Executing' }] }),
      );
      running = page.Commands?.find((c) => c.CommandId === id);
    }
    expect(running).toMatchObject({ Status: 'InProgress', CompletedCount: 2, TargetCount: 3 });
    await emulator.waitForIdle();
    const done = await client.send(new ListCommandsCommand({ CommandId: id }));
    expect(done.Commands?.[0]).toMatchObject({ Status: 'Success', CompletedCount: 3 });
  });

  it('pages 50 commands at a time with NextToken and refuses MaxResults 51', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) sent.push(await send(client, { DocumentName: 'Quick', InstanceIds: ALL }));
    const { commands, pages } = await listAllCommands({ MaxResults: 50 });
    expect(pages).toBe(2);
    expect(commands.map((c) => c.CommandId)).toEqual([...sent].reverse());
    const small = await listAllCommands({ MaxResults: 7 });
    expect(small.pages).toBe(9);
    expect(new Set(small.commands.map((c) => c.CommandId)).size).toBe(60);
    const tooMany = await rejection(client.send(new ListCommandsCommand({ MaxResults: 51 })));
    expect(tooMany.name).toBe('ValidationException');
    await emulator.waitForIdle();
  });

  it('answers InvalidFilterKey, InvalidCommandId, InvalidNextToken and a ValidationException for a bad value', async () => {
    await send(client, { DocumentName: 'Quick', InstanceIds: ALL });
    const cases: [ListCommandsCommandInput, string][] = [
      [{ Filters: [{ key: 'Nope' as 'Status', value: 'x' }] }, 'InvalidFilterKey'],
      [{ CommandId: '00000000-0000-0000-0000-000000000000' }, 'InvalidCommandId'],
      [{ NextToken: 'bm90LWEtdG9rZW4' }, 'InvalidNextToken'],
      [{ Filters: [{ key: 'Status', value: 'Delayed' }] }, 'ValidationException'],
      [{ Filters: [{ key: 'InvokedAfter', value: 'yesterday' }] }, 'ValidationException'],
      [{ Filters: [{ key: 'ExecutionStage', value: 'Done' }] }, 'ValidationException'],
    ];
    for (const [input, code] of cases) {
      const error = await rejection(client.send(new ListCommandsCommand(input)));
      expect(error.name, JSON.stringify(input)).toBe(code);
    }
    await emulator.waitForIdle();
  });
});
