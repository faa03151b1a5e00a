/*
 * Shapes shared by the SSM Run Command emulator's parts: what a test sees of the fleet, of a command and of its
 * invocations. Status names and their meaning follow the SSM API reference (CommandInvocation.StatusDetails).
 */

export const OPERATIONS = [
  'SendCommand',
  'ListCommands',
  'ListCommandInvocations',
  'GetCommandInvocation',
  'CancelCommand',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** CommandInvocationStatus (the `Status` field) as the API enumerates it. */
export const INVOCATION_STATUSES = [
  'Pending',
  'InProgress',
  'Delayed',
  'Success',
  'Cancelled',
  'Cancelling',
  'TimedOut',
  'Failed',
] as const;
export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

/** The finer `StatusDetails` values an invocation can carry. */
export const STATUS_DETAILS = [
  'Pending',
  'InProgress',
  'Delayed',
  'Success',
  'Failed',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Cancelled',
  'Cancelling',
  'Undeliverable',
  'Terminated',
  'InvalidPlatform',
  'AccessDenied',
] as const;
export type StatusDetail = (typeof STATUS_DETAILS)[number];

export const PLATFORMS = ['linux', 'windows'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * How an emulated instance answers a command:
 * - normal: runs the document's steps for its platform.
 * - undeliverable: the invocation fails quickly with StatusDetails Undeliverable (agent gone, node not responding).
 * - delivery-timeout: the agent never picks the command up; it stays Pending until TimeoutSeconds -> DeliveryTimedOut.
 * - access-denied: the invocation fails with StatusDetails AccessDenied.
 * - terminated: the invocation ends Cancelled with StatusDetails Terminated (as after a MaxErrors stop).
 */
export const BEHAVIORS = [
  'normal',
  'undeliverable',
  'delivery-timeout',
  'access-denied',
  'terminated',
] as const;
export type Behavior = (typeof BEHAVIORS)[number];

export interface PowerShellResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * PowerShell cannot run on this machine. A test that wants a Windows instance to "run" an aws:runPowerShellScript
 * step passes this stand-in: it receives the script exactly as SSM would write it to the host (parameters
 * substituted) and answers what the step printed and its exit code.
 */
export type PowerShellStandIn = (
  script: string,
  context: { readonly instanceId: string; readonly stepName: string },
) => PowerShellResult | Promise<PowerShellResult>;

export interface InstanceSpec {
  /** `i-` + 8 or 17 word characters, or `mi-` + 17 (the pattern the SSM API enforces). */
  readonly instanceId: string;
  readonly platform: Platform;
  readonly tags?: Readonly<Record<string, string>>;
  /** false: the agent is not connected; invocations wait (Delayed) until it comes back or the delivery timeout. */
  readonly online?: boolean;
  readonly resourceGroups?: readonly string[];
  /** Real milliseconds between an invocation being sent and its first step starting. */
  readonly latencyMs?: number;
  readonly behavior?: Behavior;
  /** Answers the InstanceName field (the node's host name); default `ip-<n>.ec2.internal` / `EC2AMAZ-<n>`. */
  readonly computerName?: string;
  /** Extra environment for this instance's scripts (on top of the minimal one the emulator builds). */
  readonly env?: Readonly<Record<string, string>>;
  readonly powerShell?: PowerShellStandIn;
}

export interface PluginView {
  /** The step name (schema 2.2: `mainSteps[].name`). */
  readonly name: string;
  readonly action: string;
  readonly status: InvocationStatus;
  readonly statusDetails: StatusDetail;
  /** Exit code; -1 while (or when) the step did not run. */
  readonly responseCode: number;
  /** What the step wrote, as kept by the agent (first 24,000 / 8,000 characters). */
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
}

export interface InvocationView {
  readonly commandId: string;
  readonly instanceId: string;
  readonly documentName: string;
  readonly status: InvocationStatus;
  readonly statusDetails: StatusDetail;
  readonly requestedAt: number;
  readonly plugins: readonly PluginView[];
}

export interface CommandView {
  readonly commandId: string;
  readonly documentName: string;
  readonly documentVersion: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly targetCount: number;
  readonly status: string;
  readonly statusDetails: string;
  readonly completedCount: number;
  readonly errorCount: number;
  readonly deliveryTimedOutCount: number;
  readonly timeoutSeconds: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
}

/** An Amazon EventBridge event as SSM emits it for Run Command status changes. */
export interface SsmStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type':
    | 'EC2 Command Invocation Status-change Notification'
    | 'EC2 Command Status-change Notification';
  readonly source: 'aws.ssm';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}
