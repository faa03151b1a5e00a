import type { BudgetPolicy, FlapPolicy } from '../model/check.js';
import type { Platform, Severity } from '../model/status.js';

export interface BuiltinDefaults {
  readonly environment: string;
  readonly schedule: string;
  readonly timeoutMs: number;
  readonly failAfter: number;
  readonly unknownAfter: number;
  readonly failOn: 'critical' | 'warning';
  readonly severity: Severity;
  readonly platform: Platform;
  readonly flap: FlapPolicy;
  readonly reportOnly: boolean;
  readonly repair: {
    readonly verifyAfterMs: number;
    readonly maxAttempts: number;
    readonly timeoutMs: number;
    readonly budget: BudgetPolicy;
  };
}

/** What a check gets for every field neither it nor its package's `defaults` section sets. */
export const BUILTIN_DEFAULTS: BuiltinDefaults = {
  environment: 'default',
  schedule: 'rate(5 minutes)',
  timeoutMs: 60_000,
  failAfter: 1,
  unknownAfter: 3,
  failOn: 'critical',
  severity: 'critical',
  platform: 'any',
  flap: { enabled: true, low: 20, high: 30 },
  reportOnly: false,
  repair: {
    verifyAfterMs: 5_000,
    maxAttempts: 1,
    timeoutMs: 60_000,
    budget: { max: 3, perMs: 3_600_000, backoffMs: 0 },
  },
};
