import type { FlapPolicy } from '../model/check.js';

/** Nagios keeps the last 21 results, i.e. 20 possible state changes. */
export const FLAP_HISTORY = 21;
const LOW_WEIGHT = 0.75;
const HIGH_WEIGHT = 1.25;

/**
 * Nagios' weighted percent state change: each change between consecutive results counts with a weight rising
 * linearly from 0.75 (oldest) to 1.25 (newest), over the 20 transitions a full window holds.
 */
export function percentStateChange(history: readonly number[]): number {
  const window = history.slice(-FLAP_HISTORY);
  const transitions = FLAP_HISTORY - 1;
  const offset = transitions - (window.length - 1);
  let weighted = 0;
  for (let i = 1; i < window.length; i++) {
    if (window[i] !== window[i - 1]) {
      const position = offset + i - 1;
      weighted += LOW_WEIGHT + (position * (HIGH_WEIGHT - LOW_WEIGHT)) / (transitions - 1);
    }
  }
  return (weighted * 100) / transitions;
}

/** Hysteresis: start above `high`, stop below `low`, otherwise keep the previous verdict. */
export function nextFlapping(wasFlapping: boolean, percent: number, policy: FlapPolicy): boolean {
  if (!policy.enabled) return false;
  if (!wasFlapping && percent > policy.high) return true;
  if (wasFlapping && percent < policy.low) return false;
  return wasFlapping;
}

export function pushHistory(history: readonly number[], code: number): number[] {
  return [...history, code].slice(-FLAP_HISTORY);
}
