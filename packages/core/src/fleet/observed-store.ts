import type { CheckKey } from '../model/check.js';
import type { CheckState } from '../model/state.js';
import type { StateStore } from '../ports.js';
import type { QueuedTicket } from '../tickets/ports.js';
import { FleetResultReplayedError } from './errors.js';

/**
 * The state store as one fleet result sees it: remembers the state loaded before the decision and the state saved
 * by it (for the Escalated / Recovered events, without another read), and refuses to decide again on a result
 * already recorded — the stored state ran at or after this run's start — by throwing FleetResultReplayedError.
 */
export class ObservedStore implements StateStore {
  before: CheckState | undefined;
  saved: CheckState | undefined;

  constructor(
    private readonly inner: StateStore,
    private readonly runStartedAt: string,
  ) {}

  async load(key: CheckKey): Promise<CheckState | undefined> {
    const state = await this.inner.load(key);
    const lastRun = state?.lastRunAt == null ? Number.NaN : Date.parse(state.lastRunAt);
    if (lastRun >= Date.parse(this.runStartedAt)) {
      throw new FleetResultReplayedError(
        `${key.package}/${key.check} on ${key.target}: a result of ${state?.lastRunAt} is already recorded`,
      );
    }
    this.before = state;
    return state;
  }

  async save(
    state: CheckState,
    expectedVersion: number,
    tickets?: readonly QueuedTicket[],
  ): Promise<CheckState> {
    const saved = await this.inner.save(state, expectedVersion, tickets);
    this.saved = saved;
    return saved;
  }

  listStates(): Promise<CheckState[]> {
    return this.inner.listStates();
  }

  openProblems(): ReturnType<StateStore['openProblems']> {
    return this.inner.openProblems();
  }
}
