import { CancelCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  type Clock,
  type ExecRequest,
  type ExecResult,
  type Executor,
  SSM_PARAMETER_RESERVE_BYTES,
  ssmParameterRoom,
} from '@healops/core';
import { SsmExecutorError } from './ssm-executor-error.js';
import { fitJobParameters } from './ssm-job-parameters.js';
import { capBytes } from './ssm-output-bytes.js';
import { type SentCommand, SsmRunner } from './ssm-runner.js';
import type { SsmOutputBucket } from './ssm-s3-output.js';
import { ssmExecResult } from './ssm-status.js';

/** The SSM Command document that runs a package's jobs. */
export interface SsmDocumentRef {
  readonly documentName: string;
  /** A version number, `$DEFAULT` or `$LATEST`; SSM's default version when absent. */
  readonly documentVersion?: string;
  /** Size of the document's content in bytes: sets the room for parameters (16 KiB, the reserve, when absent). */
  readonly documentBytes?: number;
}

export interface SsmExecutorOptions {
  readonly client: SSMClient;
  /** The document of a package (request.job.package); undefined = not deployed (SsmExecutorError). */
  readonly documents: (packageName: string) => SsmDocumentRef | undefined;
  readonly clock: Clock;
  /** SendCommand TimeoutSeconds: how long SSM tries to reach an offline host (30..2592000; default 60). */
  readonly deliveryTimeoutSeconds?: number;
  /** Polling for the result: first wait and the cap it doubles up to (default 500 ms .. 5 s). */
  readonly poll?: { readonly firstMs: number; readonly maxMs: number };
  /** Extra time past the job timeout + delivery timeout before giving up on SSM (default 30 s). */
  readonly graceMs?: number;
  /** Told each command sent (e.g. to name it in a Repair Succeeded/Failed event). */
  readonly onCommand?: (request: ExecRequest, commandId: string) => void;
  /**
   * The bucket SSM writes the full output to: output beyond GetCommandInvocation's 24,000 / 8,000 characters is
   * read from there, up to the request's maxOutputBytes per stream.
   */
  readonly output?: SsmOutputBucket;
  /** Told when a stream could not be read from S3 and the text SSM cut was kept (for the log). */
  readonly onOutputProblem?: (message: string) => void;
}

const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 60;
const DEFAULT_POLL = { firstMs: 500, maxMs: 5_000 } as const;
const DEFAULT_GRACE_MS = 30_000;
/** The document's executionTimeout pattern allows 1..99999 seconds. */
const MAX_EXECUTION_TIMEOUT_SECONDS = 99_999;
/** One host: nothing to spread, and its own error must not stop anything else. */
const ONE_HOST = { maxConcurrency: '1', maxErrors: '1' } as const;

/** No exit code: the job did not run to its end (what happened is in the fields the caller adds). */
function unfinished(durationMs: number): ExecResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    truncated: false,
    binary: false,
    durationMs,
  };
}

function failed(spawnError: string, durationMs: number): ExecResult {
  return { ...unfinished(durationMs), spawnError };
}

function cancelled(durationMs: number): ExecResult {
  return { ...unfinished(durationMs), signal: 'SSM Cancelled' };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one job on one instance (request.target) through SSM Run Command: the package's document with the job id,
 * its environment and stdin as parameters and the job timeout as executionTimeout; then polls the invocation
 * (ListCommandInvocations with details; GetCommandInvocation when the listing cut the output, and the command's
 * S3 output when that cut it too and an output bucket is set) until it ends, the deadline (job
 * timeout + delivery timeout + grace) passes, or `signal` aborts — the last two cancel the command. A host that
 * cannot run the job, and SSM calls that fail after the client's retries, come back as an ExecResult the engine
 * reads as UNKNOWN; only a request this executor cannot express rejects (SsmExecutorError).
 */
export class SsmExecutor implements Executor {
  readonly #runner: SsmRunner;
  readonly #options: SsmExecutorOptions;

  constructor(options: SsmExecutorOptions) {
    this.#options = options;
    this.#runner = new SsmRunner(options.client, {
      ...(options.output === undefined ? {} : { output: options.output }),
      ...(options.onOutputProblem === undefined ? {} : { onOutputProblem: options.onOutputProblem }),
    });
  }

  async run(request: ExecRequest, signal?: AbortSignal): Promise<ExecResult> {
    const { clock } = this.#options;
    const document = this.#options.documents(request.job.package);
    if (document === undefined) {
      throw new SsmExecutorError(`no SSM document is known for package ${request.job.package}`);
    }
    const room =
      document.documentBytes === undefined
        ? SSM_PARAMETER_RESERVE_BYTES
        : ssmParameterRoom({ bytes: document.documentBytes });
    const parameters = fitJobParameters(request.env, request.stdin ?? '', room);
    const deliverySeconds = this.#options.deliveryTimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS;
    const executionSeconds = Math.min(
      MAX_EXECUTION_TIMEOUT_SECONDS,
      Math.max(1, Math.ceil(request.timeoutMs / 1000)),
    );
    const started = clock.now().getTime();
    const elapsed = () => Math.max(0, clock.now().getTime() - started);
    if (signal?.aborted) return cancelled(0);

    let sent: SentCommand | undefined;
    try {
      [sent] = await this.#runner.send(
        {
          documentName: document.documentName,
          ...(document.documentVersion === undefined ? {} : { documentVersion: document.documentVersion }),
          parameters: {
            job: [request.job.id],
            env: [parameters.env],
            stdin: [parameters.stdin],
            executionTimeout: [String(executionSeconds)],
          },
          deliveryTimeoutSeconds: deliverySeconds,
          comment: `HealOps ${request.job.id} on ${request.target}`,
        },
        { type: 'instanceIds', instanceIds: [request.target] },
        ONE_HOST,
      );
    } catch (error) {
      return failed(
        `SSM could not send ${request.job.id} to ${request.target}: ${message(error)}`,
        elapsed(),
      );
    }
    if (sent === undefined) return failed(`SSM sent ${request.job.id} nowhere`, elapsed());
    this.#options.onCommand?.(request, sent.commandId);

    const deadline =
      started + request.timeoutMs + deliverySeconds * 1000 + (this.#options.graceMs ?? DEFAULT_GRACE_MS);
    const poll = this.#options.poll ?? DEFAULT_POLL;
    let wait = poll.firstMs;
    let lastError: unknown;
    for (;;) {
      await clock.sleep(Math.min(wait, Math.max(0, deadline - clock.now().getTime())), signal);
      if (signal?.aborted) {
        await this.#cancel(sent.commandId);
        return cancelled(elapsed());
      }
      try {
        const pass = await this.#runner.collect(sent, new Set(), request.maxOutputBytes);
        const finished = pass.finished.find((f) => f.instanceId === request.target) ?? pass.finished[0];
        if (finished !== undefined) return this.#result(finished.outcome, request.maxOutputBytes);
        lastError = undefined;
      } catch (error) {
        // A listing that fails after the client's retries: keep trying until the deadline.
        lastError = error;
      }
      if (clock.now().getTime() >= deadline) {
        await this.#cancel(sent.commandId);
        const why = lastError === undefined ? '' : ` (last error: ${message(lastError)})`;
        return {
          ...unfinished(elapsed()),
          timedOut: true,
          stderr: `no result from SSM command ${sent.commandId} within ${deadline - started} ms${why}`,
        };
      }
      wait = Math.min(wait * 2, poll.maxMs);
    }
  }

  #result(outcome: Parameters<typeof ssmExecResult>[0], maxOutputBytes: number): ExecResult {
    const result = ssmExecResult(outcome);
    const stdout = capBytes(result.stdout, maxOutputBytes);
    const stderr = capBytes(result.stderr, maxOutputBytes);
    return {
      ...result,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: result.truncated || stdout.cut || stderr.cut,
    };
  }

  async #cancel(commandId: string): Promise<void> {
    try {
      await this.#options.client.send(new CancelCommandCommand({ CommandId: commandId }));
    } catch {
      // Best effort: the command may have ended meanwhile; SSM stops it at executionTimeout anyway.
    }
  }
}
