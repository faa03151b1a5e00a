import type { CommandState, InvocationState, PluginState } from './invocation-state.js';
import { pluginOutput } from './limits.js';
import { outputUrl, pluginKeyPrefix } from './s3-output.js';

/*
 * How the emulator's records look on the wire (AWS JSON 1.1 as SSM answers it): timestamps are epoch seconds,
 * except GetCommandInvocation's Execution*DateTime which the API models as ISO-8601 strings ("" before the step ran).
 */

export const epochSeconds = (ms: number): number => ms / 1000;

const isDone = (plugin: PluginState): boolean =>
  plugin.status === 'Success' ||
  plugin.status === 'Failed' ||
  plugin.status === 'TimedOut' ||
  plugin.status === 'Cancelled';

export function commandShape(command: CommandState): Record<string, unknown> {
  return {
    CommandId: command.id,
    DocumentName: command.document.name,
    DocumentVersion: command.document.version,
    Comment: command.comment,
    ExpiresAfter: epochSeconds(command.expiresAt),
    Parameters: command.wireParameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: command.status,
    StatusDetails: command.statusDetails,
    OutputS3Region: command.output?.requestedRegion ?? '',
    OutputS3BucketName: command.output?.bucket ?? '',
    OutputS3KeyPrefix: command.output?.keyPrefix ?? '',
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: command.invocations.length,
    CompletedCount: command.completedCount,
    ErrorCount: command.errorCount,
    DeliveryTimedOutCount: command.deliveryTimedOutCount,
    ServiceRole: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    TimeoutSeconds: command.timeoutSeconds,
  };
}

export function pluginShape(invocation: InvocationState, plugin: PluginState): Record<string, unknown> {
  const { command, instanceId } = invocation;
  const done = isDone(plugin);
  const shape: Record<string, unknown> = {
    Name: plugin.name,
    Status: plugin.status,
    StatusDetails: plugin.statusDetails,
    ResponseCode: plugin.responseCode,
    Output: done ? pluginOutput(plugin.stdout, plugin.stderr) : '',
    StandardOutputUrl: outputUrl(command, instanceId, plugin, 'stdout', done),
    StandardErrorUrl: outputUrl(command, instanceId, plugin, 'stderr', done),
    OutputS3Region: command.output?.region ?? '',
    OutputS3BucketName: command.output?.bucket ?? '',
    OutputS3KeyPrefix: pluginKeyPrefix(command, instanceId, plugin),
  };
  if (plugin.startedAt !== undefined) shape.ResponseStartDateTime = epochSeconds(plugin.startedAt);
  if (plugin.finishedAt !== undefined) shape.ResponseFinishDateTime = epochSeconds(plugin.finishedAt);
  return shape;
}

/** The invocation's own URL fields: those of its plugin when the document has just one (as SSM answers them). */
function invocationUrl(invocation: InvocationState, stream: 'stdout' | 'stderr'): string {
  const [only, more] = invocation.plugins;
  if (only === undefined || more !== undefined) return '';
  return outputUrl(invocation.command, invocation.instanceId, only, stream, isDone(only));
}

export function invocationShape(invocation: InvocationState, details: boolean): Record<string, unknown> {
  const { command } = invocation;
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.document.name,
    DocumentVersion: command.document.version,
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    TraceOutput: '',
    StandardOutputUrl: invocationUrl(invocation, 'stdout'),
    StandardErrorUrl: invocationUrl(invocation, 'stderr'),
    CommandPlugins: details ? invocation.plugins.map((plugin) => pluginShape(invocation, plugin)) : [],
    ServiceRole: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

/** ISO-8601 duration the way SSM writes ExecutionElapsedTime, e.g. PT1H0.271S. */
export function elapsed(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(3);
  return `PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds}S`;
}

/**
 * GetCommandInvocation's answer for one plugin (PluginName given, or a one-step document), or for the invocation as
 * a whole when a document has several steps and no PluginName was given: then, as the real service does, status
 * only and no output.
 */
export function invocationDetailShape(
  invocation: InvocationState,
  plugin: PluginState | undefined,
  byName: boolean,
): Record<string, unknown> {
  const { command } = invocation;
  const done = plugin !== undefined && isDone(plugin);
  const started = plugin?.startedAt;
  const finished = plugin?.finishedAt;
  const failedCode = invocation.plugins.find((p) => p.responseCode !== 0)?.responseCode;
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.document.name,
    DocumentVersion: command.document.version,
    PluginName: plugin?.name ?? '',
    ResponseCode: plugin?.responseCode ?? failedCode ?? 0,
    ExecutionStartDateTime: started === undefined ? '' : new Date(started).toISOString(),
    ExecutionElapsedTime: started === undefined ? '' : elapsed((finished ?? Date.now()) - started),
    ExecutionEndDateTime: finished === undefined ? '' : new Date(finished).toISOString(),
    Status: byName && plugin !== undefined ? plugin.status : invocation.status,
    StatusDetails: byName && plugin !== undefined ? plugin.statusDetails : invocation.statusDetails,
    StandardOutputContent: done ? plugin.stdout : '',
    StandardOutputUrl:
      plugin === undefined ? '' : outputUrl(command, invocation.instanceId, plugin, 'stdout', done),
    StandardErrorContent: done ? plugin.stderr : '',
    StandardErrorUrl:
      plugin === undefined ? '' : outputUrl(command, invocation.instanceId, plugin, 'stderr', done),
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}
