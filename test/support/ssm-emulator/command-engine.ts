import { randomUUID } from 'node:crypto';
import type { CommandDocument } from './documents.js';
import { commandEvent, invocationEvent } from './events.js';
import type { EmulatedInstance, Fleet } from './fleet.js';
import { type CommandState, type InvocationState, isTerminal } from './invocation-state.js';
import { concurrencyLimit, errorLimit } from './limits.js';
import type { CommandOutputLocation } from './s3-output.js';
import type { StepRunner } from './step-runner.js';
import type { InvocationStatus, SsmStatusChangeEvent, StatusDetail } from './types.js';

/*
 * Commands and their invocations as the Run Command service drives them: invocations are sent MaxConcurrency at a
 * time; Failed and ExecutionTimedOut count against MaxErrors and one error beyond it stops the command (invocations
 * not yet sent end Cancelled / Terminated, the ones running finish); one delivery timer per command ends every
 * invocation the agent has not picked up by TimeoutSeconds as TimedOut / DeliveryTimedOut. Bookkeeping is O(1) per
 * state change.
 */

export interface CommandRequest {
  readonly document: CommandDocument;
  readonly parameters: ReadonlyMap<string, readonly string[]>;
  readonly wireParameters: Readonly<Record<string, readonly string[]>>;
  readonly instanceIds: readonly string[];
  readonly requestedInstanceIds: readonly string[];
  readonly targets: readonly unknown[];
  readonly comment: string;
  readonly output: CommandOutputLocation | undefined;
  readonly timeoutSeconds: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
}

export interface EngineOptions {
  readonly fleet: Fleet;
  readonly steps: StepRunner;
  readonly msPerSecond: number;
  readonly invocationLagMs: number;
  readonly region: string;
  readonly accountId: string;
  readonly onEvent: ((event: SsmStatusChangeEvent) => void) | undefined;
}

export class CommandEngine {
  readonly commands = new Map<string, CommandState>();
  /** Every invocation, oldest first, and per instance. */
  readonly all: InvocationState[] = [];
  readonly byInstance = new Map<string, InvocationState[]>();
  readonly #options: EngineOptions;
  /** Invocations sent to a node whose agent is offline, by instance: delivered when it comes back. */
  readonly #waiting = new Map<string, Set<InvocationState>>();
  readonly #work = new Set<Promise<void>>();
  #active = 0;
  #idle: (() => void)[] = [];

  constructor(options: EngineOptions) {
    this.#options = options;
  }

  /** Invocations not yet in a terminal state. */
  get active(): number {
    return this.#active;
  }

  create(request: CommandRequest): CommandState {
    const now = Date.now();
    const targets = request.instanceIds.length;
    const command: CommandState = {
      id: randomUUID(),
      document: request.document,
      parameters: request.parameters,
      wireParameters: request.wireParameters,
      instanceIds: request.requestedInstanceIds,
      targets: request.targets,
      comment: request.comment,
      output: request.output,
      requestedAt: now,
      visibleAt: now + this.#options.invocationLagMs,
      expiresAt: now + request.timeoutSeconds * this.#options.msPerSecond,
      timeoutSeconds: request.timeoutSeconds,
      maxConcurrency: request.maxConcurrency,
      maxErrors: request.maxErrors,
      concurrency: concurrencyLimit(request.maxConcurrency, targets),
      errorLimit: errorLimit(request.maxErrors, targets),
      invocations: [],
      byInstance: new Map(),
      next: 0,
      inFlight: 0,
      completedCount: 0,
      errorCount: 0,
      deliveryTimedOutCount: 0,
      stopped: false,
      cancelled: false,
      status: 'Pending',
      statusDetails: 'Pending',
      deliveryTimer: undefined,
    };
    for (const instanceId of request.instanceIds) {
      const instance = this.#options.fleet.get(instanceId);
      const invocation: InvocationState = {
        command,
        instanceId,
        instanceName: instance?.computerName ?? '',
        plugins: request.document.steps.map((step) => ({
          name: step.name,
          action: step.action,
          status: 'Pending',
          statusDetails: 'Pending',
          responseCode: -1,
          stdout: '',
          stderr: '',
          startedAt: undefined,
          finishedAt: undefined,
          executed: false,
        })),
        status: 'Pending',
        statusDetails: 'Pending',
        dispatched: false,
        delivered: false,
        cancelRequested: false,
        running: undefined,
      };
      command.invocations.push(invocation);
      command.byInstance.set(instanceId, invocation);
      this.all.push(invocation);
      let list = this.byInstance.get(instanceId);
      if (list === undefined) {
        list = [];
        this.byInstance.set(instanceId, list);
      }
      list.push(invocation);
      this.#active += 1;
    }
    this.commands.set(command.id, command);
    if (targets === 0) this.#complete(command);
    else {
      command.deliveryTimer = setTimeout(() => this.#deliveryTimeout(command), command.expiresAt - now);
      // SendCommand answers before anything is sent: the command is Pending in its answer.
      setImmediate(() => this.#pump(command));
    }
    return command;
  }

  /** The agent of this instance is back: what waits for it is delivered now. */
  instanceOnline(instanceId: string): void {
    const waiting = this.#waiting.get(instanceId);
    if (waiting === undefined) return;
    this.#waiting.delete(instanceId);
    for (const invocation of waiting) if (!isTerminal(invocation)) this.#deliver(invocation);
  }

  /** CancelCommand: for the given instances (default all) of the command. */
  cancel(command: CommandState, instanceIds: readonly string[] | undefined): void {
    if (instanceIds === undefined) command.cancelled = true;
    const selected =
      instanceIds === undefined
        ? command.invocations
        : instanceIds.flatMap((id) => command.byInstance.get(id) ?? []);
    for (const invocation of selected) {
      if (isTerminal(invocation) || invocation.cancelRequested) continue;
      invocation.cancelRequested = true;
      if (!invocation.delivered) {
        this.#finish(invocation, 'Cancelled', 'Cancelled');
        continue;
      }
      this.#set(invocation, 'Cancelling', 'Cancelling');
      invocation.running?.cancel();
    }
  }

  /** Resolves when every invocation so far is terminal and its files are cleaned up. */
  async idle(): Promise<void> {
    if (this.#active > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await Promise.all([...this.#work]);
  }

  /** Ends everything still running (emulator shutdown). */
  async stop(): Promise<void> {
    for (const command of this.commands.values()) {
      clearTimeout(command.deliveryTimer);
      if (command.completedCount < command.invocations.length) this.cancel(command, undefined);
    }
    await Promise.all([...this.#work]);
  }

  #pump(command: CommandState): void {
    while (
      !command.stopped &&
      !command.cancelled &&
      command.inFlight < command.concurrency &&
      command.next < command.invocations.length
    ) {
      const invocation = command.invocations[command.next];
      command.next += 1;
      if (invocation === undefined || isTerminal(invocation)) continue;
      this.#dispatch(invocation);
    }
  }

  #dispatch(invocation: InvocationState): void {
    const { command } = invocation;
    invocation.dispatched = true;
    command.inFlight += 1;
    if (command.status === 'Pending') this.#setCommand(command, 'InProgress', 'InProgress');
    const instance = this.#options.fleet.get(invocation.instanceId);
    if (instance === undefined) {
      this.#finish(invocation, 'Failed', 'Undeliverable');
      return;
    }
    switch (instance.behavior) {
      case 'undeliverable':
        this.#later(instance, () => this.#finish(invocation, 'Failed', 'Undeliverable'));
        return;
      case 'access-denied':
        this.#later(instance, () => this.#finish(invocation, 'Failed', 'AccessDenied'));
        return;
      case 'terminated':
        this.#later(instance, () => this.#finish(invocation, 'Cancelled', 'Terminated'));
        return;
      case 'delivery-timeout':
        return;
      case 'normal':
        if (!instance.online) {
          this.#set(invocation, 'Delayed', 'Delayed');
          let waiting = this.#waiting.get(instance.instanceId);
          if (waiting === undefined) {
            waiting = new Set();
            this.#waiting.set(instance.instanceId, waiting);
          }
          waiting.add(invocation);
          return;
        }
        this.#deliver(invocation);
    }
  }

  #later(instance: EmulatedInstance, action: () => void): void {
    setTimeout(action, instance.latencyMs);
  }

  #deliver(invocation: InvocationState): void {
    const instance = this.#options.fleet.get(invocation.instanceId);
    if (instance === undefined) {
      this.#finish(invocation, 'Failed', 'Undeliverable');
      return;
    }
    invocation.delivered = true;
    if (!invocation.command.document.platforms.has(instance.platform)) {
      this.#finish(invocation, 'Failed', 'InvalidPlatform');
      return;
    }
    this.#set(invocation, 'InProgress', 'InProgress');
    const work = new Promise<void>((resolve) => setTimeout(resolve, instance.latencyMs))
      .then(() => this.#options.steps.run(invocation, instance))
      .then(
        () => this.#settle(invocation),
        (error: unknown) => {
          const last =
            invocation.plugins.find((p) => !isTerminalPlugin(p.status)) ?? invocation.plugins.at(-1);
          if (last !== undefined) {
            last.stderr += `\nHealOps SSM emulator could not run the step: ${String(error)}`;
            last.status = 'Failed';
            last.statusDetails = 'Failed';
          }
          this.#settle(invocation);
        },
      )
      .finally(() => this.#work.delete(work));
    this.#work.add(work);
  }

  /** The invocation's outcome from its plugins once every step has ended. */
  #settle(invocation: InvocationState): void {
    const plugins = invocation.plugins;
    if (invocation.cancelRequested) this.#finish(invocation, 'Cancelled', 'Cancelled');
    else if (plugins.some((p) => p.status === 'TimedOut'))
      this.#finish(invocation, 'TimedOut', 'ExecutionTimedOut');
    else if (plugins.some((p) => p.status !== 'Success')) this.#finish(invocation, 'Failed', 'Failed');
    else this.#finish(invocation, 'Success', 'Success');
  }

  #deliveryTimeout(command: CommandState): void {
    command.deliveryTimer = undefined;
    for (const invocation of command.invocations) {
      if (isTerminal(invocation) || invocation.delivered) continue;
      this.#waiting.get(invocation.instanceId)?.delete(invocation);
      this.#finish(invocation, 'TimedOut', 'DeliveryTimedOut');
    }
  }

  #finish(invocation: InvocationState, status: InvocationStatus, details: StatusDetail): void {
    if (isTerminal(invocation)) return;
    const { command } = invocation;
    if (!invocation.delivered)
      for (const plugin of invocation.plugins) {
        plugin.status = status;
        plugin.statusDetails = details;
      }
    this.#set(invocation, status, details);
    this.#active -= 1;
    command.completedCount += 1;
    if (invocation.dispatched) command.inFlight -= 1;
    if (details === 'DeliveryTimedOut') command.deliveryTimedOutCount += 1;
    if (details === 'Failed' || details === 'ExecutionTimedOut') {
      command.errorCount += 1;
      if (command.errorCount > command.errorLimit && !command.stopped) this.#stop(command);
    }
    if (command.completedCount === command.invocations.length) this.#complete(command);
    else this.#pump(command);
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** MaxErrors exceeded: the invocations not sent yet are cancelled by the system (StatusDetails Terminated). */
  #stop(command: CommandState): void {
    command.stopped = true;
    for (let i = command.next; i < command.invocations.length; i++) {
      const invocation = command.invocations[i];
      if (invocation !== undefined && !isTerminal(invocation))
        this.#finish(invocation, 'Cancelled', 'Terminated');
    }
    command.next = command.invocations.length;
  }

  #complete(command: CommandState): void {
    clearTimeout(command.deliveryTimer);
    command.deliveryTimer = undefined;
    const release = this.#options.steps.release(command.id).finally(() => this.#work.delete(release));
    this.#work.add(release);
    const counted = command.invocations.filter((i) => i.statusDetails !== 'Undeliverable');
    if (command.cancelled) this.#setCommand(command, 'Cancelled', 'Cancelled');
    else if (command.errorCount > command.errorLimit) this.#setCommand(command, 'Failed', 'Failed');
    else if (counted.every((i) => i.status === 'Success')) this.#setCommand(command, 'Success', 'Success');
    else if (counted.every((i) => i.statusDetails === 'DeliveryTimedOut'))
      this.#setCommand(command, 'TimedOut', 'DeliveryTimedOut');
    else this.#setCommand(command, 'Failed', 'Incomplete');
  }

  #set(invocation: InvocationState, status: InvocationStatus, details: StatusDetail): void {
    const changed = invocation.status !== status;
    invocation.status = status;
    invocation.statusDetails = details;
    if (changed && this.#options.onEvent !== undefined)
      this.#options.onEvent(invocationEvent(invocation, this.#options.region, this.#options.accountId));
  }

  #setCommand(command: CommandState, status: string, details: string): void {
    const changed = command.status !== status;
    command.status = status;
    command.statusDetails = details;
    if (changed && this.#options.onEvent !== undefined)
      this.#options.onEvent(commandEvent(command, this.#options.region, this.#options.accountId));
  }
}

function isTerminalPlugin(status: InvocationStatus): boolean {
  return status === 'Success' || status === 'Failed' || status === 'TimedOut' || status === 'Cancelled';
}
