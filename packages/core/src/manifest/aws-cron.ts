import { ScheduleError } from '../errors.js';

/**
 * EventBridge Scheduler cron expressions: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, validated by the
 * rules AWS documents (field ranges, which wildcards each field allows, exactly one of day-of-month/day-of-week is
 * `?`), and translated to a croner pattern for the local scheduler.
 */

export interface AwsCronFields {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

const FIELD_NAMES = ['minutes', 'hours', 'dayOfMonth', 'month', 'dayOfWeek', 'year'] as const;
type FieldName = (typeof FIELD_NAMES)[number];

const FIELD_LABELS: Record<FieldName, string> = {
  minutes: 'minutes',
  hours: 'hours',
  dayOfMonth: 'day-of-month',
  month: 'month',
  dayOfWeek: 'day-of-week',
  year: 'year',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly min: number;
  readonly max: number;
  /** Names mapped to min, min+1, ... */
  readonly names?: readonly string[];
  readonly step: boolean;
}

const RULES: Record<FieldName, FieldRule> = {
  minutes: { min: 0, max: 59, step: true },
  hours: { min: 0, max: 23, step: true },
  dayOfMonth: { min: 1, max: 31, step: true },
  month: { min: 1, max: 12, names: MONTH_NAMES, step: true },
  dayOfWeek: { min: 1, max: 7, names: DAY_NAMES, step: false },
  year: { min: 1970, max: 2199, step: true },
};

/** The reason only; parseSchedule wraps it in a ScheduleError that names the whole expression. */
function problem(field: FieldName, text: string, reason: string): ScheduleError {
  return new ScheduleError(`${FIELD_LABELS[field]} field ${JSON.stringify(text)}: ${reason}`);
}

function readValue(field: FieldName, token: string, whole: string): number {
  const rule = RULES[field];
  const upper = token.toUpperCase();
  const named = rule.names?.indexOf(upper) ?? -1;
  if (named >= 0) {
    return rule.min + named;
  }
  if (!/^\d+$/.test(token)) {
    const allowed = rule.names ? `a number or a name (${rule.names[0]}-${rule.names.at(-1)})` : 'a number';
    throw problem(field, whole, `${JSON.stringify(token)} is not ${allowed}`);
  }
  const value = Number(token);
  if (value < rule.min || value > rule.max) {
    throw problem(field, whole, `${value} is outside ${rule.min}-${rule.max}`);
  }
  return value;
}

/** One list element: `*`, `N`, `N-M`, `*\/S`, `N/S`, `N-M/S`. Returns the croner form of the element. */
function translateElement(field: FieldName, element: string, whole: string): string {
  const rule = RULES[field];
  const [base = '', step, extra] = element.split('/');
  if (extra !== undefined) {
    throw problem(field, whole, `${JSON.stringify(element)} has more than one "/"`);
  }
  if (step !== undefined) {
    if (!rule.step) {
      throw problem(field, whole, '"/" is not allowed in this field');
    }
    if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > rule.max) {
      throw problem(field, whole, `increment ${JSON.stringify(step)} must be a number from 1 to ${rule.max}`);
    }
  }
  let croner: string;
  if (base === '*') {
    croner = '*';
  } else {
    const [from = '', to, more] = base.split('-');
    if (more !== undefined || from === '' || to === '') {
      throw problem(field, whole, `${JSON.stringify(element)} is not a valid range`);
    }
    const start = readValue(field, from, whole);
    if (to !== undefined) {
      const end = readValue(field, to, whole);
      if (end < start) {
        throw problem(field, whole, `range ${JSON.stringify(base)} ends before it starts`);
      }
      croner = `${start}-${end}`;
    } else {
      // AWS reads `5/15` as "from 5, every 15"; croner wants an explicit range for that.
      croner = step !== undefined ? `${start}-${rule.max}` : `${start}`;
    }
  }
  return step !== undefined ? `${croner}/${step}` : croner;
}

function translateList(field: FieldName, text: string): string {
  if (text.includes('?')) {
    throw problem(field, text, '"?" is only allowed alone, in day-of-month or day-of-week');
  }
  const odd = /[^0-9A-Za-z,\-*/]/.exec(text);
  if (odd) {
    throw problem(field, text, `unexpected character ${JSON.stringify(odd[0])}`);
  }
  return text
    .split(',')
    .map((element) => translateElement(field, element, text))
    .join(',');
}

function translateDayOfMonth(text: string): string {
  if (text === '?') {
    return '*';
  }
  if (text === 'L' || text === 'LW') {
    return text;
  }
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday?.[1] !== undefined) {
    return `${readValue('dayOfMonth', weekday[1], text)}W`;
  }
  if (/[LW]/.test(text)) {
    throw problem('dayOfMonth', text, 'use L, LW or NW (e.g. 15W) alone');
  }
  return translateList('dayOfMonth', text);
}

function translateDayOfWeek(text: string): string {
  if (text === '?') {
    return '*';
  }
  if (text === 'L') {
    // Quartz semantics: the last day of the week, Saturday.
    return '7';
  }
  const last = /^([A-Z]{3}|\d+)L$/i.exec(text);
  if (last?.[1] !== undefined) {
    return `${readValue('dayOfWeek', last[1], text)}#L`;
  }
  const nth = /^([A-Z]{3}|\d+)#(\d+)$/i.exec(text);
  if (nth?.[1] !== undefined && nth[2] !== undefined) {
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) {
      throw problem('dayOfWeek', text, `occurrence #${nth[2]} must be 1-5`);
    }
    return `${readValue('dayOfWeek', nth[1], text)}#${occurrence}`;
  }
  if (text.includes('#')) {
    throw problem('dayOfWeek', text, '"#" takes one expression only, e.g. 3#2 (the second Tuesday)');
  }
  if (/L/i.test(text.replace(/[A-Z]{3}/gi, ''))) {
    throw problem('dayOfWeek', text, 'use L or NL (e.g. 6L, the last Friday) alone');
  }
  return translateList('dayOfWeek', text);
}

/**
 * Validates the six fields of an EventBridge cron expression and returns the equivalent croner pattern
 * (7 parts: seconds, minutes, hours, day-of-month, month, day-of-week in Quartz numbering, year).
 * Throws ScheduleError with the reason only (the caller names the expression).
 */
export function translateAwsCron(body: string): { fields: AwsCronFields; croner: string } {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${body.trim() ? parts.length : 0}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const fields: AwsCronFields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleError(
      'exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *))',
    );
  }
  const croner = [
    '0',
    translateList('minutes', minutes),
    translateList('hours', hours),
    translateDayOfMonth(dayOfMonth),
    translateList('month', month),
    translateDayOfWeek(dayOfWeek),
    translateList('year', year),
  ].join(' ');
  return { fields, croner };
}
