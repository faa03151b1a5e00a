import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../src/errors.js';
import { nextRun, parseSchedule } from '../src/manifest/schedule.js';

describe('parseSchedule: rate expressions', () => {
  it.each([
    { text: 'rate(1 minute)', everyMs: 60_000 },
    { text: 'rate(5 minutes)', everyMs: 300_000 },
    { text: 'rate(1 hour)', everyMs: 3_600_000 },
    { text: 'rate(12 hours)', everyMs: 43_200_000 },
    { text: 'rate(1 day)', everyMs: 86_400_000 },
    { text: 'rate(7 days)', everyMs: 604_800_000 },
  ])('reads `$text` as every $everyMs ms', ({ text, everyMs }) => {
    expect(parseSchedule(text)).toMatchObject({ kind: 'rate', everyMs, text });
  });

  it.each([
    { text: 'rate(1 minutes)', reason: /a value of 1 takes the singular unit: rate\(1 minute\)/ },
    { text: 'rate(5 minute)', reason: /a value above 1 takes the plural unit: rate\(5 minutes\)/ },
    { text: 'rate(2 hour)', reason: /plural unit/ },
    { text: 'rate(1 days)', reason: /singular unit/ },
    { text: 'rate(0 minutes)', reason: /the value "0" must be a positive whole number/ },
    { text: 'rate(-1 minutes)', reason: /positive whole number/ },
    { text: 'rate(1.5 hours)', reason: /positive whole number/ },
    { text: 'rate(5 seconds)', reason: /unknown unit "seconds"/ },
    { text: 'rate(5 weeks)', reason: /unknown unit "weeks"/ },
    { text: 'rate(5minutes)', reason: /takes a value and a unit/ },
    { text: 'rate(5  minutes)', reason: /takes a value and a unit/ },
    { text: 'rate()', reason: /takes a value and a unit/ },
    { text: 'rate(5 Minutes)', reason: /unknown unit "Minutes"/ },
  ])('rejects `$text`', ({ text, reason }) => {
    expect(() => parseSchedule(text)).toThrow(reason);
  });
});

describe('parseSchedule: cron expressions (EventBridge rules)', () => {
  it.each([
    'cron(0 10 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 8 1 * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(*/10 * ? * MON-FRI *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 9 ? * MON#1 *)',
    'cron(0 12 L * ? *)',
    'cron(0 12 LW * ? *)',
    'cron(0 12 15W * ? *)',
    'cron(0 12 ? * L *)',
    'cron(0 12 ? * 6L *)',
    'cron(0 12 ? * FRIL *)',
    'cron(0 0 1 JAN,JUL ? 2030-2035)',
    'cron(0 0 ? * sun *)',
    'cron(5,35 1-3 1-15/2 */3 ? 1970/10)',
  ])('accepts `%s`', (text) => {
    expect(parseSchedule(text)).toMatchObject({ kind: 'cron', text });
  });

  it.each([
    { text: 'cron(0 12 * * * *)', reason: /exactly one of day-of-month and day-of-week must be "\?"/ },
    { text: 'cron(0 12 ? * ? *)', reason: /exactly one of day-of-month and day-of-week/ },
    { text: 'cron(0 12 * * ?)', reason: /expected 6 fields .*got 5/ },
    { text: 'cron(0 0 12 * * ? *)', reason: /expected 6 fields .*got 7/ },
    { text: 'cron()', reason: /expected 6 fields .*got 0/ },
    { text: 'cron(60 12 * * ? *)', reason: /minutes field "60": 60 is outside 0-59/ },
    { text: 'cron(0 24 * * ? *)', reason: /hours field "24": 24 is outside 0-23/ },
    { text: 'cron(0 12 0 * ? *)', reason: /day-of-month field "0": 0 is outside 1-31/ },
    { text: 'cron(0 12 * 13 ? *)', reason: /month field "13": 13 is outside 1-12/ },
    { text: 'cron(0 12 ? * 0 *)', reason: /day-of-week field "0": 0 is outside 1-7/ },
    { text: 'cron(0 12 ? * 8 *)', reason: /day-of-week field "8": 8 is outside 1-7/ },
    { text: 'cron(0 12 * * ? 1969)', reason: /year field "1969": 1969 is outside 1970-2199/ },
    { text: 'cron(0 12 * * ? 2200)', reason: /outside 1970-2199/ },
    {
      text: 'cron(0 12 ? * MON/2 *)',
      reason: /day-of-week field "MON\/2": "\/" is not allowed in this field/,
    },
    { text: 'cron(0 12 ? * 3#1,6#3 *)', reason: /"#" takes one expression only/ },
    { text: 'cron(0 12 ? * 3#6 *)', reason: /occurrence #6 must be 1-5/ },
    { text: 'cron(0 12 L,15 * ? *)', reason: /use L, LW or NW/ },
    { text: 'cron(0 12 32W * ? *)', reason: /32 is outside 1-31/ },
    { text: 'cron(0 L * * ? *)', reason: /hours field "L": "L" is not a number/ },
    { text: 'cron(0 12 * FOO ? *)', reason: /"FOO" is not a number or a name \(JAN-DEC\)/ },
    { text: 'cron(0 12 ? * MON-FOO *)', reason: /"FOO" is not a number or a name \(SUN-SAT\)/ },
    { text: 'cron(30-10 12 * * ? *)', reason: /range "30-10" ends before it starts/ },
    { text: 'cron(*/0 12 * * ? *)', reason: /increment "0" must be a number from 1 to 59/ },
    { text: 'cron(1/2/3 12 * * ? *)', reason: /more than one "\/"/ },
    { text: 'cron(0 12 * * ? ?)', reason: /"\?" is only allowed alone, in day-of-month or day-of-week/ },
    { text: 'cron(0 12 * * ? %)', reason: /unexpected character "%"/ },
  ])('rejects `$text`', ({ text, reason }) => {
    expect(() => parseSchedule(text)).toThrow(reason);
  });
});

describe('parseSchedule: other text', () => {
  it.each([
    { text: '', reason: /^invalid schedule "": expected rate\(/ },
    { text: '5m', reason: /invalid schedule "5m"/ },
    { text: '*/5 * * * *', reason: /invalid schedule "\*\/5 \* \* \* \*"/ },
    { text: 'RATE(5 minutes)', reason: /invalid schedule/ },
    { text: ' rate(5 minutes)', reason: /invalid schedule/ },
    { text: 'at(2030-01-01T00:00:00)', reason: /one-time at\(\) schedules are not supported/ },
  ])('rejects `$text` with a ScheduleError naming it', ({ text, reason }) => {
    expect(() => parseSchedule(text)).toThrow(ScheduleError);
    expect(() => parseSchedule(text)).toThrow(reason);
  });
});

describe('nextRun', () => {
  it.each([
    { text: 'rate(5 minutes)', after: '2025-01-01T10:02:30.250Z', next: '2025-01-01T10:07:30.250Z' },
    { text: 'rate(1 day)', after: '2025-01-01T10:00:00.000Z', next: '2025-01-02T10:00:00.000Z' },
    { text: 'cron(0 10 * * ? *)', after: '2025-01-01T09:59:59.000Z', next: '2025-01-01T10:00:00.000Z' },
    { text: 'cron(0 10 * * ? *)', after: '2025-01-01T10:00:00.000Z', next: '2025-01-02T10:00:00.000Z' },
    { text: 'cron(0/15 * * * ? *)', after: '2025-01-01T10:07:00.000Z', next: '2025-01-01T10:15:00.000Z' },
    { text: 'cron(5/20 * * * ? *)', after: '2025-01-01T10:26:00.000Z', next: '2025-01-01T10:45:00.000Z' },
    // 2025-01-01 is a Wednesday; Quartz numbering: 2 = Monday.
    { text: 'cron(0 18 ? * 2 *)', after: '2025-01-01T00:00:00.000Z', next: '2025-01-06T18:00:00.000Z' },
    { text: 'cron(0 18 ? * MON-FRI *)', after: '2025-01-03T19:00:00.000Z', next: '2025-01-06T18:00:00.000Z' },
    { text: 'cron(0 9 ? * 3#2 *)', after: '2025-01-01T00:00:00.000Z', next: '2025-01-14T09:00:00.000Z' },
    { text: 'cron(0 9 ? * 6L *)', after: '2025-01-01T00:00:00.000Z', next: '2025-01-31T09:00:00.000Z' },
    { text: 'cron(0 9 ? * L *)', after: '2025-01-01T00:00:00.000Z', next: '2025-01-04T09:00:00.000Z' },
    { text: 'cron(0 12 L * ? *)', after: '2025-02-01T00:00:00.000Z', next: '2025-02-28T12:00:00.000Z' },
    { text: 'cron(0 12 15W * ? *)', after: '2025-02-01T00:00:00.000Z', next: '2025-02-14T12:00:00.000Z' },
    { text: 'cron(0 0 1 1 ? 2030)', after: '2025-06-01T00:00:00.000Z', next: '2030-01-01T00:00:00.000Z' },
  ])('`$text` after $after fires at $next (UTC)', ({ text, after, next }) => {
    expect(nextRun(parseSchedule(text), new Date(after)).toISOString()).toBe(next);
  });

  it('throws a ScheduleError when a cron expression never fires again', () => {
    const schedule = parseSchedule('cron(0 0 1 1 ? 2020)');
    expect(() => nextRun(schedule, new Date('2025-01-01T00:00:00Z'))).toThrow(
      /schedule "cron\(0 0 1 1 \? 2020\)" never fires after 2025-01-01T00:00:00.000Z/,
    );
  });
});
