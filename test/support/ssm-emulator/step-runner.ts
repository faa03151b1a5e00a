import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DocumentStep, scriptLines, skippedMessage, stepTimeoutSeconds } from './documents.js';
import type { EmulatedInstance } from './fleet.js';
import type { InvocationState, PluginState } from './invocation-state.js';
import { LIMITS } from './limits.js';
import type { ProcessPool, ScriptOutcome } from './process-pool.js';
import type { S3OutputWriter } from './s3-output.js';

/*
 * What the SSM Agent does with a delivered command on one node: each step in order; a step whose platformType
 * precondition does not hold (or whose plugin the platform lacks) is skipped as Success with the agent's message;
 * aws:runShellScript steps run for real as `/bin/sh _script.sh` in the node's working directory, with the document's
 * parameters substituted textually first; aws:runPowerShellScript steps go to the node's PowerShell stand-in, or
 * fail (-1) when it has none. A failed step does not stop the next ones (the agent's default control flow). When the
 * command names an output bucket, a step that ran writes its whole stdout / stderr there before it counts as done.
 */

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface StepRunnerOptions {
  readonly pool: ProcessPool;
  readonly rootDir: string;
  readonly region: string;
  /** Real milliseconds per SSM second. */
  readonly msPerSecond: number;
  /** Writes the output of commands that name an output bucket; without it nothing is written. */
  readonly s3?: S3OutputWriter | undefined;
}

export class StepRunner {
  readonly #options: StepRunnerOptions;
  readonly #prepared = new Set<string>();
  /** One script file per (command, step): parameters are per command, so every node runs the same text. */
  readonly #scripts = new Map<string, Promise<string>>();

  constructor(options: StepRunnerOptions) {
    this.#options = options;
  }

  /** The directory an instance's scripts run in (it persists across commands, like a host's disk). */
  workDir(instanceId: string): string {
    return join(this.#options.rootDir, 'instances', instanceId, 'work');
  }

  async run(invocation: InvocationState, instance: EmulatedInstance): Promise<void> {
    for (const [index, step] of invocation.command.document.steps.entries()) {
      const plugin = invocation.plugins[index];
      if (plugin === undefined) continue;
      if (invocation.cancelRequested) {
        end(plugin, 'Cancelled', -1);
        continue;
      }
      await this.#step(invocation, instance, step, plugin);
    }
  }

  /** The command reached a terminal state: its script files go. */
  async release(commandId: string): Promise<void> {
    for (const key of this.#scripts.keys()) if (key.startsWith(`${commandId}/`)) this.#scripts.delete(key);
    await rm(this.#commandDir(commandId), { recursive: true, force: true });
  }

  #commandDir(commandId: string): string {
    return join(this.#options.rootDir, 'commands', commandId);
  }

  #script(invocation: InvocationState, step: DocumentStep, text: string): Promise<string> {
    const key = `${invocation.command.id}/${step.name}`;
    let file = this.#scripts.get(key);
    if (file === undefined) {
      const dir = join(this.#commandDir(invocation.command.id), step.name);
      const path = join(dir, '_script.sh');
      file = mkdir(dir, { recursive: true })
        .then(() => writeFile(path, text, { mode: 0o700 }))
        .then(() => path);
      this.#scripts.set(key, file);
    }
    return file;
  }

  async #step(
    invocation: InvocationState,
    instance: EmulatedInstance,
    step: DocumentStep,
    plugin: PluginState,
  ): Promise<void> {
    const skip = skipReason(step, instance);
    if (skip !== undefined) {
      plugin.stdout = skip;
      plugin.startedAt = Date.now();
      end(plugin, 'Success', 0);
      return;
    }
    plugin.status = 'InProgress';
    plugin.statusDetails = 'InProgress';
    plugin.startedAt = Date.now();
    plugin.executed = true;
    const values = invocation.command.parameters;
    const script = `${scriptLines(step, values).join('\n')}\n`;
    if (step.action === 'aws:runPowerShellScript') {
      await this.#powerShell(invocation, instance, step, plugin, script);
      return;
    }
    const file = await this.#script(invocation, step, script);
    const cwd = step.workingDirectory ?? (await this.#prepare(instance.instanceId));
    const writer = invocation.command.output === undefined ? undefined : this.#options.s3;
    const running = this.#options.pool.run({
      file,
      cwd,
      env: this.#env(instance),
      timeoutMs: stepTimeoutSeconds(step, values) * this.#options.msPerSecond,
      keepAll: writer !== undefined,
    });
    invocation.running = running;
    const outcome = await running.done;
    invocation.running = undefined;
    await writer?.write(invocation.command, invocation.instanceId, plugin, {
      stdout: outcome.allStdout ?? new Uint8Array(),
      stderr: outcome.allStderr ?? new Uint8Array(),
    });
    record(plugin, outcome);
  }

  async #powerShell(
    invocation: InvocationState,
    instance: EmulatedInstance,
    step: DocumentStep,
    plugin: PluginState,
    script: string,
  ): Promise<void> {
    if (instance.powerShell === undefined) {
      plugin.stderr =
        `HealOps SSM emulator: ${instance.instanceId} is an emulated ${instance.platform} node and PowerShell cannot ` +
        `run on this machine; give the instance a powerShell stand-in to emulate step ${step.name}.`;
      end(plugin, 'Failed', -1);
      return;
    }
    try {
      const result = await instance.powerShell(script, {
        instanceId: instance.instanceId,
        stepName: step.name,
      });
      if (invocation.command.output !== undefined)
        await this.#options.s3?.write(invocation.command, instance.instanceId, plugin, {
          stdout: Buffer.from(result.stdout, 'utf8'),
          stderr: Buffer.from(result.stderr, 'utf8'),
        });
      plugin.stdout = result.stdout.slice(0, LIMITS.standardOutput);
      plugin.stderr = result.stderr.slice(0, LIMITS.standardError);
      end(plugin, result.exitCode === 0 ? 'Success' : 'Failed', result.exitCode);
    } catch (error) {
      plugin.stderr = `PowerShell stand-in threw: ${String(error)}`;
      end(plugin, 'Failed', 1);
    }
  }

  async #prepare(instanceId: string): Promise<string> {
    const dir = this.workDir(instanceId);
    if (!this.#prepared.has(instanceId)) {
      await mkdir(dir, { recursive: true });
      await mkdir(join(this.#options.rootDir, 'instances', instanceId, 'home'), { recursive: true });
      this.#prepared.add(instanceId);
    }
    return dir;
  }

  #env(instance: EmulatedInstance): Record<string, string> {
    return {
      PATH,
      LANG: 'C.UTF-8',
      HOME: join(this.#options.rootDir, 'instances', instance.instanceId, 'home'),
      AWS_SSM_INSTANCE_ID: instance.instanceId,
      AWS_SSM_REGION_NAME: this.#options.region,
      HEALOPS_EMULATED_INSTANCE_ID: instance.instanceId,
      ...instance.env,
    };
  }
}

function skipReason(step: DocumentStep, instance: EmulatedInstance): string | undefined {
  if (step.precondition !== undefined && step.precondition.platform !== instance.platform)
    return skippedMessage(step);
  if (step.action === 'aws:runShellScript' && instance.platform === 'windows')
    return `Step execution skipped due to unsupported plugin: ${step.action}. Step name: ${step.name}`;
  return undefined;
}

function end(plugin: PluginState, status: 'Success' | 'Failed' | 'Cancelled', responseCode: number): void {
  plugin.status = status;
  plugin.statusDetails = status;
  plugin.responseCode = responseCode;
  plugin.finishedAt = Date.now();
}

function record(plugin: PluginState, outcome: ScriptOutcome): void {
  plugin.stdout = outcome.stdout;
  plugin.stderr = outcome.stderr;
  plugin.startedAt = outcome.startedAt ?? plugin.startedAt;
  plugin.finishedAt = outcome.finishedAt;
  plugin.responseCode = outcome.exitCode;
  if (outcome.timedOut) {
    plugin.status = 'TimedOut';
    plugin.statusDetails = 'ExecutionTimedOut';
  } else if (outcome.cancelled) {
    plugin.status = 'Cancelled';
    plugin.statusDetails = 'Cancelled';
    plugin.responseCode = -1;
  } else {
    plugin.status = outcome.exitCode === 0 ? 'Success' : 'Failed';
    plugin.statusDetails = plugin.status === 'Success' ? 'Success' : 'Failed';
  }
}
