import type { CommandDocument } from './documents.js';
import type { RunningScript } from './process-pool.js';
import type { CommandOutputLocation } from './s3-output.js';
import type { InvocationStatus, StatusDetail } from './types.js';

/* The mutable records the command engine keeps per command, invocation and plugin (step). */

export interface PluginState {
  readonly name: string;
  readonly action: string;
  status: InvocationStatus;
  statusDetails: StatusDetail;
  responseCode: number;
  stdout: string;
  stderr: string;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** The step ran on the node (not skipped, not cancelled before it started): its output goes to S3. */
  executed: boolean;
}

export interface InvocationState {
  readonly command: CommandState;
  readonly instanceId: string;
  readonly instanceName: string;
  readonly plugins: PluginState[];
  status: InvocationStatus;
  statusDetails: StatusDetail;
  /** Sent to the node (counts against MaxConcurrency). */
  dispatched: boolean;
  /** Picked up by the agent: a delivery timeout no longer applies. */
  delivered: boolean;
  cancelRequested: boolean;
  running: RunningScript | undefined;
}

export interface CommandState {
  readonly id: string;
  readonly document: CommandDocument;
  readonly parameters: ReadonlyMap<string, readonly string[]>;
  /** Parameters as the caller sent them (echoed back like SSM does). */
  readonly wireParameters: Readonly<Record<string, readonly string[]>>;
  readonly instanceIds: readonly string[];
  readonly targets: readonly unknown[];
  readonly comment: string;
  /** SendCommand OutputS3BucketName / OutputS3KeyPrefix; undefined when no bucket was named. */
  readonly output: CommandOutputLocation | undefined;
  readonly requestedAt: number;
  /** Reads before this time answer as if the command's invocations did not exist yet. */
  readonly visibleAt: number;
  readonly expiresAt: number;
  readonly timeoutSeconds: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly concurrency: number;
  readonly errorLimit: number;
  readonly invocations: InvocationState[];
  readonly byInstance: Map<string, InvocationState>;
  next: number;
  inFlight: number;
  completedCount: number;
  errorCount: number;
  deliveryTimedOutCount: number;
  stopped: boolean;
  cancelled: boolean;
  status: string;
  statusDetails: string;
  deliveryTimer: NodeJS.Timeout | undefined;
}

export const TERMINAL: ReadonlySet<InvocationStatus> = new Set([
  'Success',
  'Cancelled',
  'TimedOut',
  'Failed',
]);

export function isTerminal(invocation: InvocationState): boolean {
  return TERMINAL.has(invocation.status);
}
