import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type CheckKey,
  type CheckState,
  initialState,
  problemDedupKey,
  type QueuedTicket,
} from '@healops/core';
import { median, REPEATS, table } from './results-table.js';
import { type Homes, withStore } from './temp-stores.js';
import { checkKey, ticketEvent } from './ticket-actions.js';

export const SAVE_CHECKS = 200;
export const SAVE_ROUNDS = 10;
export const SAVES = SAVE_CHECKS * SAVE_ROUNDS;
const TICKETS_PER_SAVE = [0, 1, 3] as const;
const FAN_OUT_ROUTES = ['pagerduty', 'jira', 'webhook'] as const;

interface Save {
  readonly state: CheckState;
  readonly expectedVersion: number;
  readonly tickets: readonly QueuedTicket[];
}

/** A failing check's state after `round` results, with its open problem (what a save with tickets carries). */
function failingState(key: CheckKey, round: number, at: Date): CheckState {
  const time = at.toISOString();
  return {
    ...initialState(key),
    lastStatus: 'critical',
    lastRunAt: time,
    consecutiveFailures: round + 1,
    history: Array.from({ length: 21 }, (_, i) => (i > 20 - round ? 2 : 0)),
    repairTimes: [time],
    failedRepairStreak: 1,
    incidentRepairs: 2,
    problem: {
      dedupKey: problemDedupKey(key),
      openedAt: '2026-03-01T09:59:00.000Z',
      severity: 'critical',
      reason: 'repair-failed',
      lastStatus: 'critical',
      lastOutput: 'CRITICAL - connection refused\nport 80 closed | time=0.002s;1;2;0 size=0B',
      updatedAt: time,
      occurrences: round + 1,
    },
  };
}

/** Round-major, as cycles produce them: each check's version follows its previous save. */
function plannedSaves(checks: number, rounds: number, ticketsPerSave: number): Save[] {
  const saves: Save[] = [];
  const base = Date.now() - 3_600_000;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < checks; i++) {
      const key = checkKey(i);
      const at = new Date(base + (round * checks + i) * 1_000);
      const event = ticketEvent(key, round === 0 ? 'trigger' : 'update', at);
      saves.push({
        state: failingState(key, round, at),
        expectedVersion: round,
        tickets: FAN_OUT_ROUTES.slice(0, ticketsPerSave).map((route) => ({
          id: randomUUID(),
          route,
          event,
        })),
      });
    }
  }
  return saves;
}

async function queueOnce(
  homes: Homes,
  checks: number,
  rounds: number,
  ticketsPerSave: number,
): Promise<number> {
  const saves = plannedSaves(checks, rounds, ticketsPerSave);
  return withStore(homes, async (store) => {
    const start = performance.now();
    for (const save of saves) await store.save(save.state, save.expectedVersion, save.tickets);
    const ms = performance.now() - start;
    const pending = (await store.ticketOutbox().counts()).pending;
    const states = (await store.listStates()).length;
    if (pending !== saves.length * ticketsPerSave || states !== checks) {
      throw new Error(`queue: ${pending} actions queued, ${states} states saved`);
    }
    return ms;
  });
}

/** SqliteStore.save() with 0, 1 and 3 tickets queued in the same transaction; returns the printed table. */
export async function queueBench(homes: Homes): Promise<string> {
  await queueOnce(homes, SAVE_CHECKS, 1, 3);
  const samples = new Map<number, number[]>(TICKETS_PER_SAVE.map((n) => [n, []]));
  for (let run = 0; run < REPEATS; run++) {
    for (const n of TICKETS_PER_SAVE)
      samples.get(n)?.push(await queueOnce(homes, SAVE_CHECKS, SAVE_ROUNDS, n));
  }
  process.stderr.write('  queue done\n');
  const usPerSave = (n: number) => (median(samples.get(n) ?? []) * 1000) / SAVES;
  const plain = usPerSave(0);
  return table(
    ['tickets/save', 'saves/s', 'µs/save', '+µs vs 0', '+µs/ticket'],
    TICKETS_PER_SAVE.map((n) => {
      const us = usPerSave(n);
      return [
        String(n),
        (1_000_000 / us).toFixed(0),
        us.toFixed(1),
        n === 0 ? '-' : (us - plain).toFixed(1),
        n === 0 ? '-' : ((us - plain) / n).toFixed(1),
      ];
    }),
  );
}
