import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandEngine } from './command-engine.js';
import { DocumentRegistry } from './documents.js';
import { SsmEmulatorSetupError } from './errors.js';
import { Faults } from './faults.js';
import { Fleet } from './fleet.js';
import type { InvocationState } from './invocation-state.js';
import { listCommands } from './list-commands.js';
import {
  cancelCommand,
  getCommandInvocation,
  listCommandInvocations,
  type OperationContext,
  sendCommand,
} from './operations.js';
import { ProcessPool } from './process-pool.js';
import { type EmulatorS3Options, S3OutputWriter } from './s3-output.js';
import { SsmHttpServer } from './server.js';
import { StepRunner } from './step-runner.js';
import type {
  Behavior,
  CommandView,
  InstanceSpec,
  InvocationView,
  Operation,
  SsmStatusChangeEvent,
} from './types.js';

/*
 * A protocol-level SSM Run Command emulator for tests and the bench: a loopback HTTP server speaking AWS JSON 1.1 for
 * SendCommand, ListCommands, ListCommandInvocations, GetCommandInvocation and CancelCommand, driven by the real
 * @aws-sdk/client-ssm. It runs the documents' aws:runShellScript steps for real on this machine, once per emulated
 * node, and enforces the service's limits (50 instance ids, 5 targets, MaxResults 1..50, TimeoutSeconds 30..2592000,
 * MaxConcurrency / MaxErrors, Output cut at 2,500 characters with the agent's markers, 24,000 / 8,000 in
 * GetCommandInvocation). With OutputS3BucketName the full streams of each step go to S3 (the `s3` option, e.g. moto)
 * at the agent's key layout, and the URL fields answer them (s3-output.ts).
 *
 * Time: `timeScale` scales every SSM duration (TimeoutSeconds, a step's timeoutSeconds): 1 is real time, 0.01 makes
 * one SSM second last 10 ms. Reported dates are real wall-clock times. Instance latency and API latency are real ms.
 */

export { SsmApiError, SsmEmulatorSetupError } from './errors.js';
export { LIMITS, pluginOutput } from './limits.js';
export type { EmulatorS3Options } from './s3-output.js';
export type {
  Behavior,
  CommandView,
  InstanceSpec,
  InvocationStatus,
  InvocationView,
  Operation,
  Platform,
  PluginView,
  PowerShellResult,
  PowerShellStandIn,
  SsmStatusChangeEvent,
  StatusDetail,
} from './types.js';

export interface SsmEmulatorOptions {
  /** Real time per SSM time: 1 = real time, 0.01 = one SSM second lasts 10 ms. Default 1. */
  readonly timeScale?: number;
  /** Scripts running at once across all emulated nodes. Default 16. */
  readonly processConcurrency?: number;
  /** For this long after SendCommand the command's invocations "do not exist yet" (as on the real service). Default 0. */
  readonly invocationLagMs?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Where node working directories and scripts live; default a fresh temp dir removed by close(). */
  readonly rootDir?: string;
  /** Receives the EventBridge events SSM would emit for command and invocation status changes. */
  readonly onEvent?: (event: SsmStatusChangeEvent) => void;
  /**
   * The S3 (moto) the emulated agents write command output to when SendCommand names OutputS3BucketName. Without
   * it the URL fields are still answered, but nothing is written (as when the agent cannot reach S3).
   */
  readonly s3?: EmulatorS3Options;
}

export interface SsmEmulator {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** API calls received, by operation (throttled ones included). */
  readonly calls: Readonly<Record<Operation, number>>;
  /** Every invocation so far, oldest first (a snapshot). */
  readonly invocations: readonly InvocationView[];
  readonly commands: readonly CommandView[];
  /** Node scripts started so far. */
  readonly processesStarted: number;
  /** S3 output writes that failed (no such bucket, no access), as the agent would log them. */
  readonly s3OutputFailures: readonly string[];
  /** Registers (a new version of) an SSM Command document (schemaVersion 2.2 JSON); answers the version. */
  addDocument(name: string, content: string | object): string;
  setDefaultDocumentVersion(name: string, version: string): void;
  addInstance(spec: InstanceSpec): void;
  removeInstance(instanceId: string): void;
  /** false: the agent disconnects (new invocations wait, Delayed); true: waiting invocations are delivered. */
  setOnline(instanceId: string, online: boolean): void;
  setBehavior(instanceId: string, behavior: Behavior): void;
  setTags(instanceId: string, tags: Readonly<Record<string, string>>): void;
  setResourceGroups(instanceId: string, groups: readonly string[]): void;
  setLatency(instanceId: string, latencyMs: number): void;
  /** The directory an emulated node's scripts run in (persists across commands). */
  workDir(instanceId: string): string;
  /** The next `times` calls of `operation` answer ThrottlingException. */
  throttle(operation: Operation, times: number): void;
  /** The next `times` calls of `operation` answer this error (default InternalServerError / 500). */
  fail(operation: Operation, times: number, code?: string, message?: string, status?: number): void;
  /** Every call of `operation` is answered `ms` later (0 removes it). */
  latency(operation: Operation, ms: number): void;
  /** Token-bucket throttling of `operation` (0 removes it). */
  rateLimit(operation: Operation, perSecond: number, burst?: number): void;
  clearFaults(): void;
  invocation(commandId: string, instanceId: string): InvocationView | undefined;
  /** Resolves once every invocation sent so far has reached a terminal status. */
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
}

function view(invocation: InvocationState): InvocationView {
  return {
    commandId: invocation.command.id,
    instanceId: invocation.instanceId,
    documentName: invocation.command.document.name,
    status: invocation.status,
    statusDetails: invocation.statusDetails,
    requestedAt: invocation.command.requestedAt,
    plugins: invocation.plugins.map((p) => ({ ...p })),
  };
}

export async function startSsmEmulator(options: SsmEmulatorOptions = {}): Promise<SsmEmulator> {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new SsmEmulatorSetupError('timeScale must be > 0');
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const ownRoot = options.rootDir === undefined;
  const rootDir = options.rootDir ?? (await mkdtemp(join(tmpdir(), 'healops-ssm-emulator-')));
  const msPerSecond = 1000 * timeScale;
  const fleet = new Fleet();
  const documents = new DocumentRegistry();
  const faults = new Faults();
  const pool = new ProcessPool(options.processConcurrency ?? 16);
  const s3 = options.s3 === undefined ? undefined : new S3OutputWriter(options.s3, region);
  const steps = new StepRunner({ pool, rootDir, region, msPerSecond, s3 });
  const engine = new CommandEngine({
    fleet,
    steps,
    msPerSecond,
    invocationLagMs: options.invocationLagMs ?? 0,
    region,
    accountId,
    onEvent: options.onEvent,
  });
  const context: OperationContext = {
    fleet,
    documents,
    engine,
    accountId,
    outputRegion: options.s3?.region ?? region,
  };
  const server = await SsmHttpServer.listen((operation, body) => {
    switch (operation) {
      case 'SendCommand':
        return sendCommand(context, body);
      case 'ListCommands':
        return listCommands(context, body);
      case 'ListCommandInvocations':
        return listCommandInvocations(context, body);
      case 'GetCommandInvocation':
        return getCommandInvocation(context, body);
      case 'CancelCommand':
        return cancelCommand(context, body);
    }
  }, faults);

  return {
    endpoint: server.endpoint,
    region,
    accountId,
    calls: server.calls,
    get invocations() {
      return engine.all.map(view);
    },
    get commands() {
      return [...engine.commands.values()].map((c) => ({
        commandId: c.id,
        documentName: c.document.name,
        documentVersion: c.document.version,
        parameters: c.wireParameters,
        targetCount: c.invocations.length,
        status: c.status,
        statusDetails: c.statusDetails,
        completedCount: c.completedCount,
        errorCount: c.errorCount,
        deliveryTimedOutCount: c.deliveryTimedOutCount,
        timeoutSeconds: c.timeoutSeconds,
        maxConcurrency: c.maxConcurrency,
        maxErrors: c.maxErrors,
      }));
    },
    get processesStarted() {
      return pool.started;
    },
    get s3OutputFailures() {
      return [...(s3?.failures ?? [])];
    },
    addDocument: (name, content) => documents.add(name, content).version,
    setDefaultDocumentVersion: (name, version) => documents.setDefaultVersion(name, version),
    addInstance: (spec) => {
      fleet.add(spec);
    },
    removeInstance: (instanceId) => fleet.remove(instanceId),
    setOnline: (instanceId, online) => {
      fleet.require(instanceId).online = online;
      if (online) engine.instanceOnline(instanceId);
    },
    setBehavior: (instanceId, behavior) => {
      fleet.require(instanceId).behavior = behavior;
    },
    setTags: (instanceId, tags) => fleet.setTags(instanceId, tags),
    setResourceGroups: (instanceId, groups) => fleet.setResourceGroups(instanceId, groups),
    setLatency: (instanceId, latencyMs) => {
      fleet.require(instanceId).latencyMs = latencyMs;
    },
    workDir: (instanceId) => steps.workDir(instanceId),
    throttle: (operation, times) => faults.throttle(operation, times),
    fail: (operation, times, code, message, status) => faults.fail(operation, times, code, message, status),
    latency: (operation, ms) => faults.latency(operation, ms),
    rateLimit: (operation, perSecond, burst) => faults.rateLimit(operation, perSecond, burst),
    clearFaults: () => faults.clear(),
    invocation: (commandId, instanceId) => {
      const invocation = engine.commands.get(commandId)?.byInstance.get(instanceId);
      return invocation === undefined ? undefined : view(invocation);
    },
    waitForIdle: () => engine.idle(),
    close: async () => {
      await server.close();
      await engine.stop();
      s3?.close();
      if (ownRoot) await rm(rootDir, { recursive: true, force: true });
    },
  };
}
