import { StateConflictError } from '../../src/errors.js';
import type { CheckKey } from '../../src/model/check.js';
import type { ExecResult, MetricPoint } from '../../src/model/results.js';
import type { AuditEvent, CheckState, Problem } from '../../src/model/state.js';
import type {
  AuditLog,
  AuditQuery,
  Clock,
  ExecRequest,
  Executor,
  MetricsSink,
  StateStore,
} from '../../src/ports.js';
import type { QueuedTicket } from '../../src/tickets/ports.js';

const id = (k: CheckKey) => `${k.package}/${k.check}/${k.target}`;

/** In-memory StateStore + AuditLog with the same conditional-write contract as the real stores. */
export class MemoryStore implements StateStore, AuditLog {
  readonly states = new Map<string, CheckState>();
  readonly events: AuditEvent[] = [];
  /** Ticket actions queued with state saves, in order. */
  readonly tickets: QueuedTicket[] = [];

  async load(key: CheckKey) {
    return this.states.get(id(key));
  }
  async save(state: CheckState, expectedVersion: number, tickets: readonly QueuedTicket[] = []) {
    const current = this.states.get(id(state.key));
    if ((current?.version ?? 0) !== expectedVersion)
      throw new StateConflictError(`stale version ${expectedVersion}`);
    const saved = { ...state, version: expectedVersion + 1 };
    this.states.set(id(state.key), saved);
    this.tickets.push(...tickets);
    return saved;
  }
  async listStates() {
    return [...this.states.values()];
  }
  async openProblems() {
    return [...this.states.values()]
      .filter((s): s is CheckState & { problem: Problem } => s.problem !== null)
      .map((s) => ({ key: s.key, problem: s.problem }));
  }
  async append(events: readonly AuditEvent[]) {
    this.events.push(...events);
  }
  async queryAudit(_query: AuditQuery) {
    return [...this.events];
  }
}

export class MemorySink implements MetricsSink {
  readonly name = 'memory';
  readonly points: MetricPoint[] = [];
  flushes = 0;
  async write(points: readonly MetricPoint[]) {
    this.points.push(...points);
  }
  async flush() {
    this.flushes++;
  }
}

export class BrokenSink implements MetricsSink {
  readonly name = 'broken';
  async write(): Promise<void> {
    throw new Error('sink down');
  }
  async flush(): Promise<void> {
    throw new Error('sink down');
  }
}

export function exec(exitCode: number | null, stdout = '', extra: Partial<ExecResult> = {}): ExecResult {
  return {
    exitCode,
    signal: null,
    timedOut: false,
    stdout,
    stderr: '',
    truncated: false,
    binary: false,
    durationMs: 3,
    ...extra,
  };
}

/**
 * Answers each argv[0] from a queue of scripted results (the last one repeats), and records every request —
 * a stand-in for processes in the pure engine's unit tests; the CLI scenario tests run real scripts.
 */
export class ScriptedExecutor implements Executor {
  readonly requests: ExecRequest[] = [];
  private active = 0;
  maxActive = 0;
  constructor(
    private readonly script: Record<string, ExecResult[]>,
    private readonly delayMs = 0,
  ) {}
  async run(request: ExecRequest): Promise<ExecResult> {
    this.requests.push(request);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const queue = this.script[request.argv[0] ?? ''];
      if (!queue || queue.length === 0) throw new Error(`no scripted result for ${request.argv[0]}`);
      return queue.length > 1 ? (queue.shift() as ExecResult) : (queue[0] as ExecResult);
    } finally {
      this.active--;
    }
  }
  ran(argv0: string): number {
    return this.requests.filter((r) => r.argv[0] === argv0).length;
  }
}

/** Time moves only when the engine sleeps or the test advances it. */
export class ManualClock implements Clock {
  slept: number[] = [];
  constructor(private current = new Date('2026-01-01T12:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
  async sleep(ms: number, signal?: AbortSignal) {
    // Let other work (in-flight cycles) run first, as real time would.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.slept.push(ms);
    this.advance(ms);
  }
}
