import {
  type CommandInvocation,
  type CommandPlugin,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { DEFAULT_MAX_OUTPUT_BYTES } from '@healops/core';
import { SsmRunnerError } from '../errors.js';
import {
  keyFromOutputUrl,
  readSsmOutput,
  type SsmOutputBucket,
  type SsmOutputLocation,
  type SsmStream,
  ssmOutputKey,
} from './ssm-s3-output.js';
import { isTerminalStatus, type SsmOutcome } from './ssm-status.js';
import { type SsmTargets, sendTargets } from './ssm-targets.js';

/** What one job sends: a HealOps package document, its parameters (job id, env, stdin, timeout). */
export interface SsmJob {
  readonly documentName: string;
  readonly documentVersion?: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  /** How long SSM keeps trying to deliver to an offline host (SendCommand TimeoutSeconds). */
  readonly deliveryTimeoutSeconds: number;
  readonly comment?: string;
}

/** The blast radius: how many hosts at once, and after how many errors SSM stops sending. */
export interface SsmBlastRadius {
  /** A number ("10") or a percentage ("10%"). */
  readonly maxConcurrency: string;
  readonly maxErrors: string;
}

export interface SentCommand {
  readonly commandId: string;
  readonly targetCount: number;
}

export interface FinishedInvocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly outcome: SsmOutcome;
}

export interface CollectResult {
  readonly finished: readonly FinishedInvocation[];
  /** Invocations not finished yet (known to SSM so far). */
  readonly pending: number;
}

/** A sent command as progress() looks it up: its id and when it was sent (ISO). */
export interface TrackedCommand {
  readonly commandId: string;
  readonly requestedAt: string;
}

/** Where a command stands (ListCommands): its Status, how many hosts it reached and how many have finished. */
export interface CommandProgress {
  readonly status: string;
  readonly targetCount: number;
  readonly completedCount: number;
}

export interface SsmRunnerOptions {
  /**
   * The bucket SSM writes every invocation's full output to (SendCommand OutputS3BucketName / OutputS3KeyPrefix);
   * a stream that reached GetCommandInvocation's limit is then read from there, up to the bound collect is given.
   */
  readonly output?: SsmOutputBucket;
  /** Told when a stream could not be read from S3 and the text SSM cut was kept (for the log). */
  readonly onOutputProblem?: (message: string) => void;
}

/** Command `Status` values after which nothing changes any more. */
const FINAL_COMMAND_STATUSES: ReadonlySet<string> = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

export function isFinalCommandStatus(status: string): boolean {
  return FINAL_COMMAND_STATUSES.has(status);
}

/** InvokedAfter reaches this far before the earliest local send time: the local clock may run ahead of SSM's. */
const CLOCK_SKEW_MS = 60_000;

/** ListCommandInvocations' page size limit. */
export const SSM_LIST_PAGE = 50;
/** Where SSM cuts a plugin's output in a listing. */
export const SSM_LIST_OUTPUT_LIMIT = 2_500;
/** GetCommandInvocation's limits for stdout and stderr. */
export const SSM_STDOUT_LIMIT = 24_000;
export const SSM_STDERR_LIMIT = 8_000;
const ERROR_SEPARATOR = '\n----------ERROR-------\n';
const TRUNCATED_MARKER = '---Output truncated---';
const SKIPPED = 'Step execution skipped';

/**
 * Runs HealOps jobs on fleets through SSM Run Command with as few API calls as the limits allow: one SendCommand per
 * 50 instance ids (one for a tag or resource-group target), results collected a page of 50 invocations at a time
 * with their output (ListCommandInvocations, Details), and GetCommandInvocation only for an invocation whose
 * output the listing cut. With an output bucket, SSM also writes every invocation's full output to S3, and a
 * stream GetCommandInvocation cut (24,000 / 8,000 characters) is read from there with one ranged GetObject
 * (key from the URL fields SSM answers, else the agent's layout); an S3 failure keeps the cut text, marked
 * truncated, with the reason in the outcome. Throttling is retried by the client's retry strategy (create it with
 * createSsmClient).
 */
export class SsmRunner {
  readonly #output: SsmOutputBucket | undefined;
  readonly #onOutputProblem: ((message: string) => void) | undefined;

  constructor(
    private readonly client: SSMClient,
    options: SsmRunnerOptions = {},
  ) {
    this.#output = options.output;
    this.#onOutputProblem = options.onOutputProblem;
  }

  async send(job: SsmJob, targets: SsmTargets, radius: SsmBlastRadius): Promise<SentCommand[]> {
    const sent: SentCommand[] = [];
    for (const target of sendTargets(targets)) {
      const response = await this.#call('SendCommand', () =>
        this.client.send(
          new SendCommandCommand({
            DocumentName: job.documentName,
            ...(job.documentVersion ? { DocumentVersion: job.documentVersion } : {}),
            Parameters: Object.fromEntries(Object.entries(job.parameters).map(([k, v]) => [k, [...v]])),
            TimeoutSeconds: job.deliveryTimeoutSeconds,
            MaxConcurrency: radius.maxConcurrency,
            MaxErrors: radius.maxErrors,
            ...(job.comment ? { Comment: job.comment.slice(0, 100) } : {}),
            ...(this.#output === undefined
              ? {}
              : {
                  OutputS3BucketName: this.#output.bucket,
                  ...(this.#output.keyPrefix ? { OutputS3KeyPrefix: this.#output.keyPrefix } : {}),
                }),
            ...target,
          }),
        ),
      );
      const commandId = response.Command?.CommandId;
      if (!commandId) throw new SsmRunnerError(`SendCommand for ${job.documentName} returned no command id`);
      sent.push({ commandId, targetCount: response.Command?.TargetCount ?? 0 });
    }
    return sent;
  }

  /**
   * Where each command stands, from ListCommands pages of 50 (newest first) filtered by InvokedAfter (the earliest
   * send time, less a clock-skew margin) and DocumentName when given. Paging stops once every command is found, or
   * after as many pages as there are commands (then one collect per command is no dearer); commands not found are
   * absent from the answer.
   */
  async progress(
    commands: readonly TrackedCommand[],
    documentName?: string,
  ): Promise<Map<string, CommandProgress>> {
    const found = new Map<string, CommandProgress>();
    const wanted = new Set(commands.map((c) => c.commandId));
    const times = commands.map((c) => Date.parse(c.requestedAt)).filter((t) => !Number.isNaN(t));
    if (wanted.size === 0 || times.length === 0) return found;
    const after = new Date(Math.floor((Math.min(...times) - CLOCK_SKEW_MS) / 1000) * 1000);
    const filters = [
      { key: 'InvokedAfter' as const, value: after.toISOString().replace(/\.\d{3}Z$/, 'Z') },
      ...(documentName === undefined ? [] : [{ key: 'DocumentName' as const, value: documentName }]),
    ];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await this.#call('ListCommands', () =>
        this.client.send(
          new ListCommandsCommand({
            Filters: filters,
            MaxResults: SSM_LIST_PAGE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      pages++;
      for (const command of page.Commands ?? []) {
        const id = command.CommandId;
        if (id === undefined || !wanted.has(id)) continue;
        found.set(id, {
          status: command.Status ?? 'Pending',
          targetCount: command.TargetCount ?? 0,
          completedCount: command.CompletedCount ?? 0,
        });
      }
      nextToken = page.NextToken;
    } while (nextToken && found.size < wanted.size && pages < wanted.size);
    return found;
  }

  /**
   * One pass over a command's invocations: those finished and not in `seen`, with their full output — from S3, up
   * to `maxOutputBytes` per stream, for a stream GetCommandInvocation cut when the commands carry an output bucket.
   */
  async collect(
    command: SentCommand,
    seen: ReadonlySet<string> = new Set(),
    maxOutputBytes: number = DEFAULT_MAX_OUTPUT_BYTES,
  ): Promise<CollectResult> {
    const finished: FinishedInvocation[] = [];
    let pending = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.#call('ListCommandInvocations', () =>
        this.client.send(
          new ListCommandInvocationsCommand({
            CommandId: command.commandId,
            Details: true,
            MaxResults: SSM_LIST_PAGE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const invocation of page.CommandInvocations ?? []) {
        const instanceId = invocation.InstanceId;
        if (!instanceId || seen.has(instanceId)) continue;
        if (!isTerminalStatus(invocation.Status)) {
          pending++;
          continue;
        }
        finished.push({
          commandId: command.commandId,
          instanceId,
          outcome: await this.#outcome(command.commandId, instanceId, invocation, maxOutputBytes),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { finished, pending };
  }

  async #outcome(
    commandId: string,
    instanceId: string,
    invocation: CommandInvocation,
    maxOutputBytes: number,
  ): Promise<SsmOutcome> {
    const status = invocation.Status;
    if (!isTerminalStatus(status))
      throw new SsmRunnerError(`invocation ${commandId}/${instanceId} is not finished`);
    const plugin = ranPlugin(invocation.CommandPlugins ?? []);
    const listed = plugin?.Output ?? '';
    const cut = listed.includes(TRUNCATED_MARKER) || listed.length >= SSM_LIST_OUTPUT_LIMIT;
    const split = splitOutput(listed);
    const base = {
      status,
      statusDetails: invocation.StatusDetails ?? plugin?.StatusDetails ?? status,
      responseCode: plugin?.ResponseCode,
      durationMs: duration(plugin),
    };
    if (!cut || !plugin?.Name) return { ...base, ...split, truncated: false };
    const full = await this.#call('GetCommandInvocation', () =>
      this.client.send(
        new GetCommandInvocationCommand({
          CommandId: commandId,
          InstanceId: instanceId,
          PluginName: plugin.Name,
        }),
      ),
    );
    const where = { commandId, instanceId, stepName: plugin.Name };
    const stdout = await this.#stream(where, 'stdout', {
      text: full.StandardOutputContent ?? split.stdout,
      limit: SSM_STDOUT_LIMIT,
      urls: [full.StandardOutputUrl, plugin.StandardOutputUrl],
      maxOutputBytes,
    });
    const stderr = await this.#stream(where, 'stderr', {
      text: full.StandardErrorContent ?? split.stderr,
      limit: SSM_STDERR_LIMIT,
      urls: [full.StandardErrorUrl, plugin.StandardErrorUrl],
      maxOutputBytes,
    });
    const problems = [stdout.problem, stderr.problem].filter((p) => p !== undefined);
    return {
      ...base,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: stdout.truncated || stderr.truncated,
      ...(problems.length > 0 ? { outputProblem: problems.join('; ') } : {}),
    };
  }

  /** A stream as GetCommandInvocation gave it, or in full from S3 when it reached the limit and S3 has it. */
  async #stream(
    where: SsmOutputLocation,
    stream: SsmStream,
    given: {
      readonly text: string;
      readonly limit: number;
      readonly urls: readonly (string | undefined)[];
      readonly maxOutputBytes: number;
    },
  ): Promise<{ text: string; truncated: boolean; problem?: string }> {
    const atLimit = given.text.length >= given.limit;
    const output = this.#output;
    if (!atLimit || output === undefined) return { text: given.text, truncated: atLimit };
    const key =
      given.urls.map((url) => keyFromOutputUrl(url, output.bucket)).find((k) => k !== undefined) ??
      ssmOutputKey(output, where, stream);
    const read = await readSsmOutput(output, key, given.maxOutputBytes);
    if (read.ok) return { text: read.text, truncated: read.truncated };
    const problem =
      `${stream} of ${where.commandId}/${where.instanceId} not read from s3://${output.bucket}/${key} ` +
      `(${read.reason}): kept the first ${given.limit} characters SSM returned`;
    this.#onOutputProblem?.(problem);
    return { text: given.text, truncated: true, problem };
  }

  async #call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      throw new SsmRunnerError(`SSM ${operation} failed: ${name}: ${message}`, { cause: error });
    }
  }
}

/** The plugin (step) that ran on this host: the documents carry one step per platform, the other is skipped. */
function ranPlugin(plugins: readonly CommandPlugin[]): CommandPlugin | undefined {
  return plugins.find((p) => !(p.Output ?? '').startsWith(SKIPPED)) ?? plugins[0];
}

function splitOutput(output: string): { stdout: string; stderr: string } {
  const clean = output.replace(TRUNCATED_MARKER, '').trimEnd();
  const at = clean.indexOf(ERROR_SEPARATOR);
  if (at < 0) return { stdout: clean, stderr: '' };
  return { stdout: clean.slice(0, at), stderr: clean.slice(at + ERROR_SEPARATOR.length) };
}

function duration(plugin: CommandPlugin | undefined): number {
  const start = plugin?.ResponseStartDateTime?.getTime();
  const end = plugin?.ResponseFinishDateTime?.getTime();
  return start !== undefined && end !== undefined && end >= start ? end - start : 0;
}
