import type {
  BundlePackage,
  ExecResult,
  FleetCommand,
  FleetExecutor,
  FleetHandle,
  FleetPoll,
  FleetResult,
  ResolvedCheck,
} from '@healops/core';
import { DEFAULT_MAX_OUTPUT_BYTES, ssmJobEnv, ssmJobId } from '@healops/core';
import { capBytes } from './ssm-output-bytes.js';
import { isFinalCommandStatus, type SsmRunner } from './ssm-runner.js';
import { type SsmOutcome, ssmExecResult } from './ssm-status.js';

export interface SsmFleetExecutorOptions {
  /** How long SSM keeps trying to reach an offline host (SendCommand TimeoutSeconds, 30..2592000); default 60. */
  readonly deliveryTimeoutSeconds?: number;
  /** Default: the system clock. */
  readonly now?: () => Date;
  /**
   * Bytes kept per stream of each result (the engine's maxOutputBytes; default DEFAULT_MAX_OUTPUT_BYTES): the
   * bound of what is read from the runner's S3 output, and where longer output is cut (truncated).
   */
  readonly maxOutputBytes?: number;
}

const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 60;
/** The document's executionTimeout parameter allows 1..99999 seconds. */
const MAX_EXECUTION_TIMEOUT_SECONDS = 99_999;

/** The check's timeout as the document's executionTimeout: whole seconds, rounded up. */
export function executionTimeoutSeconds(timeoutMs: number): string {
  const seconds = Math.ceil(timeoutMs / 1000);
  return String(Math.min(MAX_EXECUTION_TIMEOUT_SECONDS, Math.max(1, seconds)));
}

/**
 * FleetExecutor on SSM Run Command: one SendCommand per check job per 50 instance ids (one per tag or
 * resource-group target), with the package's blast radius as MaxConcurrency / MaxErrors, the check's timeout as
 * the document's executionTimeout, and no HEALOPS_TARGET in the env (each host names itself). A poll first asks
 * where every open command stands (ListCommands, 50 a page: CompletedCount), then lists the invocations (pages of
 * 50 with output) only of commands with more finished hosts than already handed out, skipping those hosts; a
 * command SSM did not list is collected as before. Finished commands leave the handle. Output SSM cut comes in full
 * from the runner's S3 output bucket when it has one, up to maxOutputBytes per stream.
 */
export class SsmFleetExecutor implements FleetExecutor {
  readonly #runner: SsmRunner;
  readonly #deliveryTimeoutSeconds: number;
  readonly #now: () => Date;
  readonly #maxOutputBytes: number;
  /** The document each package's commands were sent with (from start): narrows ListCommands in poll. */
  readonly #documents = new Map<string, string>();

  constructor(runner: SsmRunner, options: SsmFleetExecutorOptions = {}) {
    this.#runner = runner;
    this.#deliveryTimeoutSeconds = options.deliveryTimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS;
    this.#now = options.now ?? (() => new Date());
    this.#maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  }

  async start(
    pkg: BundlePackage,
    checks: readonly ResolvedCheck[],
    env: (check: ResolvedCheck) => Readonly<Record<string, string>>,
  ): Promise<FleetHandle> {
    const startedAt = this.#now().toISOString();
    this.#documents.set(pkg.name, pkg.document.name);
    const commands: FleetCommand[] = [];
    for (const check of checks) {
      const requestedAt = this.#now().toISOString();
      const { HEALOPS_TARGET: _oneHostOnly, ...shared } = env(check);
      const sent = await this.#runner.send(
        {
          documentName: pkg.document.name,
          ...(pkg.document.documentVersion ? { documentVersion: pkg.document.documentVersion } : {}),
          parameters: {
            job: [ssmJobId(check.kind === 'stats' ? 'stats' : 'check', check.name)],
            env: [ssmJobEnv(shared)],
            executionTimeout: [executionTimeoutSeconds(check.timeoutMs)],
          },
          deliveryTimeoutSeconds: this.#deliveryTimeoutSeconds,
          comment: `HealOps ${pkg.name} ${check.name}`,
        },
        pkg.targets,
        pkg.blastRadius,
      );
      for (const command of sent) {
        commands.push({ check: check.name, ...command, requestedAt, seen: [] });
      }
    }
    return { package: pkg.name, startedAt, commands };
  }

  async poll(handle: FleetHandle): Promise<FleetPoll> {
    const results: FleetResult[] = [];
    const open: FleetCommand[] = [];
    let pending = 0;
    const progress = await this.#runner.progress(handle.commands, this.#documents.get(handle.package));
    for (const command of handle.commands) {
      const seen = new Set(command.seen ?? []);
      const known = progress.get(command.commandId);
      const targetCount = Math.max(command.targetCount, known?.targetCount ?? 0);
      let listedPending = 0;
      // Listed only when SSM counts more finished hosts than were handed out (or when its progress is unknown).
      if (known === undefined || known.completedCount > seen.size) {
        const collected = await this.#runner.collect(command, seen, this.#maxOutputBytes);
        listedPending = collected.pending;
        for (const finished of collected.finished) {
          seen.add(finished.instanceId);
          results.push({
            check: command.check,
            target: finished.instanceId,
            exec: this.#result(finished.outcome),
            startedAt: command.requestedAt,
          });
        }
      }
      const remaining = Math.max(listedPending, targetCount - seen.size);
      const running = known !== undefined && !isFinalCommandStatus(known.status);
      if (remaining > 0 || running || (known !== undefined && known.completedCount > seen.size)) {
        pending += remaining;
        open.push({ ...command, targetCount, seen: [...seen] });
      }
    }
    return { results, pending, handle: { ...handle, commands: open } };
  }

  #result(outcome: SsmOutcome): ExecResult {
    const result = ssmExecResult(outcome);
    const stdout = capBytes(result.stdout, this.#maxOutputBytes);
    const stderr = capBytes(result.stderr, this.#maxOutputBytes);
    return {
      ...result,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: result.truncated || stdout.cut || stderr.cut,
    };
  }
}
