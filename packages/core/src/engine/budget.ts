import type { BudgetPolicy } from '../model/check.js';
import type { CheckState } from '../model/state.js';

export type BudgetVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string; readonly nextAllowedAt: string };

/** Repair times still inside the budget window. */
export function repairsInWindow(state: CheckState, budget: BudgetPolicy, now: Date): string[] {
  const from = now.getTime() - budget.perMs;
  return state.repairTimes.filter((t) => Date.parse(t) > from);
}

/**
 * May one more repair round start now? Denied when `max` rounds already started within `per`, or while the
 * backoff after consecutive failed rounds (backoff * 2^(streak-1), capped at `per`) has not elapsed.
 */
export function checkBudget(state: CheckState, budget: BudgetPolicy, now: Date): BudgetVerdict {
  const recent = repairsInWindow(state, budget, now)
    .map((t) => Date.parse(t))
    .sort((a, b) => a - b);
  if (recent.length >= budget.max) {
    const oldest = recent[recent.length - budget.max] ?? now.getTime();
    return {
      allowed: false,
      reason: `repair budget spent: ${recent.length} of ${budget.max} repairs used in the last ${Math.round(budget.perMs / 1000)}s`,
      nextAllowedAt: new Date(oldest + budget.perMs).toISOString(),
    };
  }
  const last = recent[recent.length - 1];
  if (budget.backoffMs > 0 && state.failedRepairStreak > 0 && last !== undefined) {
    const wait = Math.min(budget.perMs, budget.backoffMs * 2 ** (state.failedRepairStreak - 1));
    if (now.getTime() < last + wait) {
      return {
        allowed: false,
        reason: `repair backoff: ${state.failedRepairStreak} failed repair(s) in a row, next attempt allowed after ${Math.round(wait / 1000)}s`,
        nextAllowedAt: new Date(last + wait).toISOString(),
      };
    }
  }
  return { allowed: true };
}
