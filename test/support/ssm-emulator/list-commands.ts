import { createHash } from 'node:crypto';
import { apiError } from './errors.js';
import type { CommandState } from './invocation-state.js';
import {
  type Body,
  checkInstanceIds,
  commandId,
  maxResults,
  type OperationContext,
  optionalString,
  readToken,
} from './operations.js';
import { commandShape } from './wire-shapes.js';

/*
 * ListCommands as the Run Command service answers it: one command by CommandId, or every command (newest first),
 * optionally those sent to one InstanceId, narrowed by Filters (InvokedAfter, InvokedBefore, Status, DocumentName,
 * ExecutionStage), MaxResults 1..50 a page with a NextToken. A command is listed as soon as SendCommand answered it;
 * its CompletedCount is the number of its invocations in a terminal state.
 */

/** Command `Status` values and the finer ones the Status filter of ListCommands accepts. */
const STATUS_FILTER_VALUES = [
  'Pending',
  'InProgress',
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
  'AccessDenied',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Incomplete',
  'NoInstancesInTag',
  'LimitExceeded',
] as const;

const TERMINAL_COMMAND_STATUSES: ReadonlySet<string> = new Set([
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
]);
const TIMED_OUT_DETAILS: ReadonlySet<string> = new Set(['DeliveryTimedOut', 'ExecutionTimedOut']);

type Match = (command: CommandState) => boolean;

function filterDate(key: string, value: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw apiError.validation(`${key} filter value ${value} is not a valid timestamp.`);
  return at;
}

function statusMatch(value: string): Match {
  if (!STATUS_FILTER_VALUES.some((s) => s === value))
    throw apiError.validation(`Status filter value ${value} is not a command status.`);
  if (value === 'TimedOut') return (c) => c.status === 'TimedOut' || TIMED_OUT_DETAILS.has(c.statusDetails);
  return (c) => c.status === value || c.statusDetails === value;
}

function commandFilters(body: Body): Match {
  const filters = Array.isArray(body.Filters) ? (body.Filters as { key?: unknown; value?: unknown }[]) : [];
  const checks: Match[] = filters.map((filter) => {
    const value = String(filter.value ?? '');
    switch (filter.key) {
      case 'InvokedAfter': {
        const after = filterDate('InvokedAfter', value);
        return (c) => c.requestedAt >= after;
      }
      case 'InvokedBefore': {
        const before = filterDate('InvokedBefore', value);
        return (c) => c.requestedAt <= before;
      }
      case 'Status':
        return statusMatch(value);
      case 'DocumentName':
        return (c) => c.document.name === value;
      case 'ExecutionStage':
        if (value === 'Executing') return (c) => !TERMINAL_COMMAND_STATUSES.has(c.status);
        if (value === 'Complete') return (c) => TERMINAL_COMMAND_STATUSES.has(c.status);
        throw apiError.validation(`ExecutionStage filter value ${value} must be Executing or Complete.`);
      default:
        throw apiError.invalidFilterKey(`Filter key ${String(filter.key)} is not valid for ListCommands.`);
    }
  });
  return (command) => checks.every((check) => check(command));
}

export function listCommands(context: OperationContext, body: Body): unknown {
  const id = body.CommandId === undefined || body.CommandId === null ? undefined : commandId(body);
  const instanceId = optionalString(body, 'InstanceId');
  if (instanceId !== undefined) checkInstanceIds([instanceId], 'instanceId');
  const limit = maxResults(body);
  const match = commandFilters(body);
  const query = createHash('sha256')
    .update(JSON.stringify(['ListCommands', id, instanceId, body.Filters ?? null]))
    .digest('base64url')
    .slice(0, 16);
  let source: readonly CommandState[];
  if (id !== undefined) {
    const command = context.engine.commands.get(id);
    if (command === undefined) throw apiError.invalidCommandId(`Command ${id} does not exist.`);
    source = [command];
  } else source = [...context.engine.commands.values()].reverse();
  const selected = source.filter(
    (command) => (instanceId === undefined || command.byInstance.has(instanceId)) && match(command),
  );
  const offset = readToken(optionalString(body, 'NextToken'), query);
  const answer: Record<string, unknown> = {
    Commands: selected.slice(offset, offset + limit).map(commandShape),
  };
  if (offset + limit < selected.length)
    answer.NextToken = Buffer.from(JSON.stringify({ q: query, o: offset + limit })).toString('base64url');
  return answer;
}
