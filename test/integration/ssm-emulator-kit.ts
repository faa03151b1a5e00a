import {
  type CommandInvocation,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import type { SsmEmulator } from '../support/ssm-emulator/index.js';

/* Shared helpers for the SSM emulator tests: a real SSMClient aimed at the emulator, ids, documents. */

export const CREDENTIALS = { accessKeyId: 'AKIDSSMEMULATOR', secretAccessKey: 'ssm-emulator-test-secret' };

export function ssmClient(emulator: SsmEmulator, config: Partial<SSMClientConfig> = {}): SSMClient {
  return new SSMClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    ...config,
  });
}

/** A valid EC2 instance id (i- + 17 hex digits) for a small number. */
export function instanceId(n: number): string {
  return `i-${n.toString(16).padStart(17, '0')}`;
}

export interface StepSpec {
  readonly name?: string;
  readonly lines: readonly string[];
  readonly timeoutSeconds?: number;
}

/** A HealOps-style Command document: a Linux shell step and a Windows PowerShell step, each behind a precondition. */
export function crossPlatformDocument(
  linux: StepSpec,
  windows: StepSpec = { lines: ['Write-Output "windows"'] },
  parameters: Record<string, unknown> = {},
): object {
  return {
    schemaVersion: '2.2',
    description: 'test document',
    parameters,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: linux.name ?? 'linux',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          runCommand: linux.lines,
          ...(linux.timeoutSeconds ? { timeoutSeconds: linux.timeoutSeconds } : {}),
        },
      },
      {
        action: 'aws:runPowerShellScript',
        name: windows.name ?? 'windows',
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { runCommand: windows.lines },
      },
    ],
  };
}

/** A one-step Linux document (no precondition). */
export function shellDocument(
  lines: readonly string[],
  timeoutSeconds?: number,
  parameters: object = {},
): object {
  return {
    schemaVersion: '2.2',
    description: 'test document',
    parameters,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'run',
        inputs: { runCommand: lines, ...(timeoutSeconds ? { timeoutSeconds: String(timeoutSeconds) } : {}) },
      },
    ],
  };
}

export async function send(client: SSMClient, input: SendCommandCommandInput): Promise<string> {
  const answer = await client.send(new SendCommandCommand(input));
  const id = answer.Command?.CommandId;
  if (id === undefined) throw new Error('SendCommand answered no CommandId');
  return id;
}

/** Every invocation of a command with details, through the SDK (following NextToken). */
export async function listAll(client: SSMClient, commandId: string): Promise<CommandInvocation[]> {
  const all: CommandInvocation[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListCommandInvocationsCommand({ CommandId: commandId, Details: true, NextToken: token }),
    );
    all.push(...(page.CommandInvocations ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return all.sort((a, b) => String(a.InstanceId).localeCompare(String(b.InstanceId)));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { attempts?: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds (a safety limit only; the emulator's own timers decide when states change). */
export async function eventually(check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(10);
  }
}
