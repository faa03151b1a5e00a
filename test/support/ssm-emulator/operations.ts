import { createHash } from 'node:crypto';
import type { CommandEngine } from './command-engine.js';
import { type DocumentRegistry, resolveParameters } from './documents.js';
import { apiError } from './errors.js';
import type { Fleet, WireTarget } from './fleet.js';
import type { CommandState, InvocationState } from './invocation-state.js';
import {
  COMMAND_ID_LENGTH,
  constraintMessage,
  INSTANCE_ID_PATTERN,
  LIMITS,
  validMaxConcurrency,
  validMaxErrors,
} from './limits.js';
import type { CommandOutputLocation } from './s3-output.js';
import { INVOCATION_STATUSES, type InvocationStatus } from './types.js';
import { commandShape, invocationDetailShape, invocationShape } from './wire-shapes.js';

/*
 * The four Run Command operations over the emulator's fleet, documents and engine. Request validation answers the
 * error codes @aws-sdk/client-ssm models (ValidationException for the API's own constraints, InvalidDocument,
 * InvalidParameters, InvalidInstanceId, DuplicateInstanceId, InvalidCommandId, InvocationDoesNotExist,
 * InvalidPluginName, InvalidNextToken, InvalidFilterKey).
 */

export type Body = Record<string, unknown>;

export interface OperationContext {
  readonly fleet: Fleet;
  readonly documents: DocumentRegistry;
  readonly engine: CommandEngine;
  readonly accountId: string;
  /** The region of output buckets (SSM finds a bucket's region itself; OutputS3Region is ignored). */
  readonly outputRegion: string;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw apiError.validation(`${field} must be a string.`);
  return value;
}

function requiredString(body: Body, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '')
    throw apiError.validation(constraintMessage('null', lowerFirst(field), 'Member must not be null'));
  return value;
}

function lowerFirst(field: string): string {
  return `${field.charAt(0).toLowerCase()}${field.slice(1)}`;
}

function stringArray(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw apiError.validation(`${field} must be a list of strings.`);
  return value as string[];
}

export function checkInstanceIds(ids: readonly string[], field: string): void {
  if (ids.length > LIMITS.instanceIdsPerCall)
    throw apiError.validation(
      constraintMessage(
        `[${ids.join(', ')}]`,
        field,
        `Member must have length less than or equal to ${LIMITS.instanceIdsPerCall}`,
      ),
    );
  for (const [index, id] of ids.entries())
    if (!INSTANCE_ID_PATTERN.test(id))
      throw apiError.validation(
        constraintMessage(
          id,
          `${field}.${index + 1}.member`,
          `Member must satisfy regular expression pattern: ${INSTANCE_ID_PATTERN.source}`,
        ),
      );
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw apiError.duplicateInstanceId(`Instance ${id} is specified more than once.`);
    seen.add(id);
  }
}

export function commandId(body: Body): string {
  const id = requiredString(body, 'CommandId');
  if (id.length !== COMMAND_ID_LENGTH)
    throw apiError.validation(
      constraintMessage(
        id,
        'commandId',
        `Member must have length less than or equal to ${COMMAND_ID_LENGTH}`,
      ),
    );
  return id;
}

function lengthBetween(body: Body, field: string, min: number, max: number): string | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  if (value.length < min)
    throw apiError.validation(
      constraintMessage(value, lowerFirst(field), `Member must have length greater than or equal to ${min}`),
    );
  if (value.length > max)
    throw apiError.validation(
      constraintMessage(value, lowerFirst(field), `Member must have length less than or equal to ${max}`),
    );
  return value;
}

/** SendCommand's S3 output location (OutputS3BucketName 3..63, OutputS3KeyPrefix up to 500, OutputS3Region 3..20). */
function outputLocation(context: OperationContext, body: Body): CommandOutputLocation | undefined {
  const bucket = lengthBetween(body, 'OutputS3BucketName', 3, 63);
  const keyPrefix = lengthBetween(body, 'OutputS3KeyPrefix', 0, 500) ?? '';
  const requestedRegion = lengthBetween(body, 'OutputS3Region', 3, 20) ?? '';
  if (bucket === undefined) return undefined;
  return { bucket, keyPrefix, requestedRegion, region: context.outputRegion };
}

export function sendCommand(context: OperationContext, body: Body): unknown {
  const name = requiredString(body, 'DocumentName');
  const document = context.documents.resolve(name, optionalString(body, 'DocumentVersion'));
  const instanceIds = stringArray(body, 'InstanceIds') ?? [];
  const targets = Array.isArray(body.Targets) ? (body.Targets as WireTarget[]) : [];
  if (instanceIds.length > 0 && targets.length > 0)
    throw apiError.validation('Specify either InstanceIds or Targets, not both.');
  if (instanceIds.length === 0 && targets.length === 0)
    throw apiError.validation('Either InstanceIds or Targets must be specified.');
  checkInstanceIds(instanceIds, 'instanceIds');
  const unknown = instanceIds.filter((id) => context.fleet.get(id) === undefined);
  if (unknown.length > 0)
    throw apiError.invalidInstanceId(
      `Instances [[${unknown.join(', ')}]] not in a valid state for account ${context.accountId}`,
    );
  const timeoutSeconds = body.TimeoutSeconds ?? LIMITS.timeoutSecondsDefault;
  if (
    typeof timeoutSeconds !== 'number' ||
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < LIMITS.timeoutSecondsMin ||
    timeoutSeconds > LIMITS.timeoutSecondsMax
  )
    throw apiError.validation(
      constraintMessage(
        String(timeoutSeconds),
        'timeoutSeconds',
        `Member must have value between ${LIMITS.timeoutSecondsMin} and ${LIMITS.timeoutSecondsMax}`,
      ),
    );
  const maxConcurrency = optionalString(body, 'MaxConcurrency') ?? LIMITS.maxConcurrencyDefault;
  if (!validMaxConcurrency(maxConcurrency))
    throw apiError.validation(
      constraintMessage(maxConcurrency, 'maxConcurrency', 'Member must satisfy regular expression pattern'),
    );
  const maxErrors = optionalString(body, 'MaxErrors') ?? LIMITS.maxErrorsDefault;
  if (!validMaxErrors(maxErrors))
    throw apiError.validation(
      constraintMessage(maxErrors, 'maxErrors', 'Member must satisfy regular expression pattern'),
    );
  const output = outputLocation(context, body);
  const wireParameters = (body.Parameters ?? {}) as Record<string, readonly string[]>;
  const parameters = resolveParameters(document, wireParameters);
  const resolved = instanceIds.length > 0 ? instanceIds : context.fleet.resolveTargets(targets);
  const command = context.engine.create({
    document,
    parameters,
    wireParameters,
    instanceIds: resolved,
    requestedInstanceIds: instanceIds,
    targets,
    comment: optionalString(body, 'Comment') ?? '',
    output,
    timeoutSeconds,
    maxConcurrency,
    maxErrors,
  });
  return { Command: commandShape(command) };
}

export interface PageToken {
  readonly q: string;
  readonly o: number;
}

type Match = (invocation: InvocationState) => boolean;

function filterMatch(body: Body): Match {
  const filters = Array.isArray(body.Filters) ? (body.Filters as { key?: unknown; value?: unknown }[]) : [];
  const checks: Match[] = filters.map((filter) => {
    const value = String(filter.value ?? '');
    switch (filter.key) {
      case 'Status':
        if (!INVOCATION_STATUSES.includes(value as InvocationStatus))
          throw apiError.validation(`Status filter value ${value} is not a command invocation status.`);
        return (i) => i.status === value;
      case 'DocumentName':
        return (i) => i.command.document.name === value;
      case 'InvokedAfter': {
        const after = Date.parse(value);
        return (i) => i.command.requestedAt >= after;
      }
      case 'InvokedBefore': {
        const before = Date.parse(value);
        return (i) => i.command.requestedAt <= before;
      }
      default:
        throw apiError.invalidFilterKey(
          `Filter key ${String(filter.key)} is not valid for ListCommandInvocations.`,
        );
    }
  });
  return (invocation) => checks.every((check) => check(invocation));
}

export function maxResults(body: Body): number {
  const value = body.MaxResults;
  if (value === undefined || value === null) return LIMITS.maxResultsMax;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < LIMITS.maxResultsMin)
    throw apiError.validation(
      constraintMessage(
        String(value),
        'maxResults',
        `Member must have value greater than or equal to ${LIMITS.maxResultsMin}`,
      ),
    );
  if (value > LIMITS.maxResultsMax)
    throw apiError.validation(
      constraintMessage(
        String(value),
        'maxResults',
        `Member must have value less than or equal to ${LIMITS.maxResultsMax}`,
      ),
    );
  return value;
}

export function readToken(token: string | undefined, query: string): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (parsed.q === query && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // answered below
  }
  throw apiError.invalidNextToken('The specified token is not valid.');
}

export function listCommandInvocations(context: OperationContext, body: Body): unknown {
  const id = body.CommandId === undefined || body.CommandId === null ? undefined : commandId(body);
  const instanceId = optionalString(body, 'InstanceId');
  if (instanceId !== undefined) checkInstanceIds([instanceId], 'instanceId');
  const limit = maxResults(body);
  const details = body.Details === true;
  const match = filterMatch(body);
  const query = createHash('sha256')
    .update(JSON.stringify([id, instanceId, body.Filters ?? null, details]))
    .digest('base64url')
    .slice(0, 16);
  const now = Date.now();
  let source: readonly InvocationState[];
  if (id !== undefined) {
    const command = context.engine.commands.get(id);
    if (command === undefined) throw apiError.invalidCommandId(`Command ${id} does not exist.`);
    const one = instanceId === undefined ? undefined : command.byInstance.get(instanceId);
    source = now < command.visibleAt ? [] : instanceId === undefined ? command.invocations : one ? [one] : [];
  } else
    source =
      instanceId === undefined ? context.engine.all : (context.engine.byInstance.get(instanceId) ?? []);
  const page: Record<string, unknown>[] = [];
  let position = readToken(optionalString(body, 'NextToken'), query);
  while (position < source.length && page.length < limit) {
    const invocation = source[position];
    position += 1;
    if (invocation === undefined || now < invocation.command.visibleAt || !match(invocation)) continue;
    page.push(invocationShape(invocation, details));
  }
  let more = false;
  for (let next = position; next < source.length && !more; next++) {
    const invocation = source[next];
    more = invocation !== undefined && now >= invocation.command.visibleAt && match(invocation);
  }
  const answer: Record<string, unknown> = { CommandInvocations: page };
  if (more) answer.NextToken = Buffer.from(JSON.stringify({ q: query, o: position })).toString('base64url');
  return answer;
}

export function getCommandInvocation(context: OperationContext, body: Body): unknown {
  const id = commandId(body);
  const instanceId = requiredString(body, 'InstanceId');
  checkInstanceIds([instanceId], 'instanceId');
  const pluginName = optionalString(body, 'PluginName');
  const command: CommandState | undefined = context.engine.commands.get(id);
  const invocation =
    command === undefined || Date.now() < command.visibleAt ? undefined : command.byInstance.get(instanceId);
  if (invocation === undefined)
    throw apiError.invocationDoesNotExist(
      'An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation',
    );
  if (pluginName !== undefined) {
    const plugin = invocation.plugins.find((p) => p.name === pluginName);
    if (plugin === undefined)
      throw apiError.invalidPluginName(`Plugin ${pluginName} is not part of this command.`);
    return invocationDetailShape(invocation, plugin, true);
  }
  const only = invocation.plugins.length === 1 ? invocation.plugins[0] : undefined;
  return invocationDetailShape(invocation, only, false);
}

export function cancelCommand(context: OperationContext, body: Body): unknown {
  const id = commandId(body);
  const command = context.engine.commands.get(id);
  if (command === undefined) throw apiError.invalidCommandId(`Command ${id} does not exist.`);
  const instanceIds = stringArray(body, 'InstanceIds');
  if (instanceIds !== undefined) {
    checkInstanceIds(instanceIds, 'instanceIds');
    const unknown = instanceIds.filter((i) => !command.byInstance.has(i));
    if (unknown.length > 0)
      throw apiError.invalidInstanceId(
        `Instances [[${unknown.join(', ')}]] are not targets of command ${id}`,
      );
  }
  context.engine.cancel(
    command,
    instanceIds !== undefined && instanceIds.length > 0 ? instanceIds : undefined,
  );
  return {};
}
