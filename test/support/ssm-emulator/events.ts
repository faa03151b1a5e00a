import { randomUUID } from 'node:crypto';
import type { CommandState, InvocationState } from './invocation-state.js';
import type { SsmStatusChangeEvent } from './types.js';

/*
 * The Amazon EventBridge events SSM emits for Run Command ("EC2 Command Status-change Notification" and
 * "EC2 Command Invocation Status-change Notification", source aws.ssm), in the shape the EventBridge user guide shows,
 * so a runtime can react to events instead of polling.
 */

function envelope(
  detailType: SsmStatusChangeEvent['detail-type'],
  region: string,
  account: string,
  resources: readonly string[],
  detail: Record<string, unknown>,
): SsmStatusChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.ssm',
    account,
    time: `${new Date().toISOString().slice(0, 19)}Z`,
    region,
    resources,
    detail,
  };
}

function instanceArn(region: string, account: string, instanceId: string): string {
  return instanceId.startsWith('mi-')
    ? `arn:aws:ssm:${region}:${account}:managed-instance/${instanceId}`
    : `arn:aws:ec2:${region}:${account}:instance/${instanceId}`;
}

export function invocationEvent(
  invocation: InvocationState,
  region: string,
  account: string,
): SsmStatusChangeEvent {
  const { command } = invocation;
  return envelope(
    'EC2 Command Invocation Status-change Notification',
    region,
    account,
    [instanceArn(region, account, invocation.instanceId)],
    {
      'command-id': command.id,
      'document-name': command.document.name,
      'instance-id': invocation.instanceId,
      'requested-date-time': new Date(command.requestedAt).toISOString(),
      status: invocation.status,
    },
  );
}

export function commandEvent(command: CommandState, region: string, account: string): SsmStatusChangeEvent {
  return envelope(
    'EC2 Command Status-change Notification',
    region,
    account,
    command.invocations.map((i) => instanceArn(region, account, i.instanceId)),
    {
      'command-id': command.id,
      'document-name': command.document.name,
      'expire-after': new Date(command.expiresAt).toISOString(),
      parameters: command.wireParameters,
      'requested-date-time': new Date(command.requestedAt).toISOString(),
      status: command.status,
    },
  );
}
