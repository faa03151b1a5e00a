import { describe, expect, it } from 'vitest';
import { isInMaintenance, maintenanceCronProblem, timezoneProblem } from '../src/manifest/maintenance.js';
import type { MaintenanceWindow } from '../src/model/check.js';

const HOUR = 3_600_000;

describe('isInMaintenance', () => {
  // 2025-01-05 and 2025-07-06 are Sundays; Berlin is UTC+1 in winter and UTC+2 in summer.
  const sundayUtc: MaintenanceWindow = { cron: '0 2 * * SUN', durationMs: 2 * HOUR };
  const sundayBerlin: MaintenanceWindow = {
    cron: '0 2 * * SUN',
    durationMs: 2 * HOUR,
    timezone: 'Europe/Berlin',
  };

  it.each([
    { name: 'at the start', window: sundayUtc, now: '2025-01-05T02:00:00.000Z', active: true },
    { name: 'inside', window: sundayUtc, now: '2025-01-05T03:30:00.000Z', active: true },
    { name: 'just before the end', window: sundayUtc, now: '2025-01-05T03:59:59.999Z', active: true },
    { name: 'at the end (exclusive)', window: sundayUtc, now: '2025-01-05T04:00:00.000Z', active: false },
    { name: 'just before the start', window: sundayUtc, now: '2025-01-05T01:59:59.999Z', active: false },
    { name: 'on another day', window: sundayUtc, now: '2025-01-06T02:30:00.000Z', active: false },
    {
      name: 'Berlin winter: 02:00 local is 01:00 UTC',
      window: sundayBerlin,
      now: '2025-01-05T01:30:00.000Z',
      active: true,
    },
    {
      name: 'Berlin winter: 03:30 UTC is after it',
      window: sundayBerlin,
      now: '2025-01-05T03:30:00.000Z',
      active: false,
    },
    {
      name: 'Berlin summer: 02:00 local is 00:00 UTC',
      window: sundayBerlin,
      now: '2025-07-06T00:15:00.000Z',
      active: true,
    },
    {
      name: 'Berlin summer: 02:30 UTC is after it',
      window: sundayBerlin,
      now: '2025-07-06T02:30:00.000Z',
      active: false,
    },
  ])('$name → active: $active', ({ window, now, active }) => {
    expect(isInMaintenance([window], new Date(now))).toBe(active ? window : undefined);
  });

  it('returns the window that covers now when several are given', () => {
    const nightly: MaintenanceWindow = { cron: '30 23 * * *', durationMs: 3 * HOUR };
    expect(isInMaintenance([sundayUtc, nightly], new Date('2025-01-08T01:00:00Z'))).toBe(nightly);
  });

  it('covers a window that started the day before (spanning midnight)', () => {
    const nightly: MaintenanceWindow = { cron: '0 22 * * *', durationMs: 4 * HOUR };
    expect(isInMaintenance([nightly], new Date('2025-01-08T01:59:00Z'))).toBe(nightly);
    expect(isInMaintenance([nightly], new Date('2025-01-08T02:00:00Z'))).toBeUndefined();
  });

  it('is never active without windows', () => {
    expect(isInMaintenance([], new Date('2025-01-05T02:30:00Z'))).toBeUndefined();
  });
});

describe('maintenance cron and time zone checks', () => {
  it.each(['0 2 * * SUN', '*/30 1-3 * * 1-5', '0 0 1 * *', '0 0 2 * * SUN'])('accepts cron `%s`', (cron) => {
    expect(maintenanceCronProblem(cron)).toBeUndefined();
  });

  it.each([
    { cron: '61 2 * * *', reason: /invalid cron expression "61 2 \* \* \*"/ },
    { cron: '0 2 * *', reason: /invalid cron expression/ },
    { cron: 'cron(0 2 ? * SUN *)', reason: /invalid cron expression/ },
    { cron: '0 2 * * * 2025 extra', reason: /invalid cron expression/ },
  ])('rejects cron `$cron`', ({ cron, reason }) => {
    expect(maintenanceCronProblem(cron)).toMatch(reason);
  });

  it.each(['UTC', 'Europe/Berlin', 'America/New_York'])('accepts time zone %s', (zone) => {
    expect(timezoneProblem(zone)).toBeUndefined();
  });

  it.each(['Mars/Olympus', 'Berlin', ''])('rejects time zone "%s"', (zone) => {
    expect(timezoneProblem(zone)).toMatch(/unknown time zone/);
  });
});
