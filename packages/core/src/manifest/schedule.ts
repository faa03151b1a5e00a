import { Cron } from 'croner';
import { ScheduleError } from '../errors.js';
import { type AwsCronFields, translateAwsCron } from './aws-cron.js';

export const RATE_UNITS = ['minute', 'hour', 'day'] as const;
export type RateUnit = (typeof RATE_UNITS)[number];

const RATE_UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface RateSchedule {
  readonly kind: 'rate';
  readonly value: number;
  readonly unit: RateUnit;
  readonly everyMs: number;
  readonly text: string;
}

export interface CronSchedule {
  readonly kind: 'cron';
  readonly fields: AwsCronFields;
  /** The equivalent croner pattern (seconds first, Quartz day-of-week numbering, year last), evaluated in UTC. */
  readonly croner: string;
  readonly text: string;
}

export type Schedule = RateSchedule | CronSchedule;

export const SCHEDULE_HINT =
  'expected rate(N minute|minutes|hour|hours|day|days) or cron(min hour dom month dow year)';

/** Loose shape published in the JSON schema; parseSchedule applies the exact rules. */
export const SCHEDULE_PATTERN = '^(rate|cron)\\(.*\\)$';

function invalid(text: string, reason: string, cause?: unknown): ScheduleError {
  return new ScheduleError(`invalid schedule ${JSON.stringify(text)}: ${reason}`, { cause });
}

function parseRate(text: string, body: string): RateSchedule {
  const match = /^(\S+) (\S+)$/.exec(body);
  if (!match?.[1] || !match[2]) {
    throw invalid(text, 'a rate takes a value and a unit, e.g. rate(5 minutes)');
  }
  const [, valueText, unitText] = match;
  if (!/^[1-9]\d*$/.test(valueText)) {
    throw invalid(text, `the value ${JSON.stringify(valueText)} must be a positive whole number`);
  }
  const value = Number(valueText);
  const singular = unitText.endsWith('s') ? unitText.slice(0, -1) : unitText;
  const unit = RATE_UNITS.find((u) => u === singular);
  if (!unit) {
    throw invalid(text, `unknown unit ${JSON.stringify(unitText)} (use minute(s), hour(s) or day(s))`);
  }
  const expected = value === 1 ? unit : `${unit}s`;
  if (unitText !== expected) {
    throw invalid(
      text,
      value === 1
        ? `a value of 1 takes the singular unit: rate(1 ${unit})`
        : `a value above 1 takes the plural unit: rate(${value} ${unit}s)`,
    );
  }
  const everyMs = value * RATE_UNIT_MS[unit];
  if (!Number.isSafeInteger(everyMs)) {
    throw invalid(text, 'the value is too large');
  }
  return { kind: 'rate', value, unit, everyMs, text };
}

function parseCron(text: string, body: string): CronSchedule {
  let translated: { fields: AwsCronFields; croner: string };
  try {
    translated = translateAwsCron(body);
  } catch (error) {
    throw invalid(text, error instanceof Error ? error.message : String(error), error);
  }
  try {
    // croner enforces what the field rules cannot, e.g. a nth-weekday that never occurs.
    new Cron(translated.croner, cronerOptions());
  } catch (error) {
    throw invalid(text, error instanceof Error ? error.message : String(error), error);
  }
  return { kind: 'cron', ...translated, text };
}

function cronerOptions() {
  return { timezone: 'UTC', mode: '7-part', alternativeWeekdays: true } as const;
}

/**
 * Parses an EventBridge Scheduler expression: `rate(N unit)` (singular unit for 1, plural otherwise) or
 * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`. Throws ScheduleError naming the text and the problem.
 */
export function parseSchedule(text: string): Schedule {
  const match = /^(rate|cron|at)\((.*)\)$/.exec(text);
  if (!match?.[1] || match[2] === undefined) {
    throw invalid(text, SCHEDULE_HINT);
  }
  const [, kind, body] = match;
  if (kind === 'at') {
    throw invalid(text, 'one-time at() schedules are not supported; use rate() or cron()');
  }
  return kind === 'rate' ? parseRate(text, body) : parseCron(text, body);
}

/**
 * When a schedule next fires strictly after `after`. Rates fire every `everyMs` from `after`; cron expressions are
 * evaluated in UTC, as EventBridge Scheduler does by default. Throws ScheduleError when a cron expression never
 * fires again (e.g. its year has passed).
 */
export function nextRun(schedule: Schedule, after: Date): Date {
  if (schedule.kind === 'rate') {
    return new Date(after.getTime() + schedule.everyMs);
  }
  const next = new Cron(schedule.croner, cronerOptions()).nextRun(after);
  if (!next) {
    throw new ScheduleError(
      `schedule ${JSON.stringify(schedule.text)} never fires after ${after.toISOString()}`,
    );
  }
  return next;
}
