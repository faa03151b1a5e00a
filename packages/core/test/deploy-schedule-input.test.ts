import { describe, expect, it } from 'vitest';
import { BUNDLE_VERSION, bundleSchedules, type DeploymentBundle } from '../src/deploy/bundle.js';
import { SCHEDULER_SCHEDULED_TIME, scheduleInput } from '../src/deploy/schedule-input.js';
import { makeCheck } from './support/fixtures.js';

describe('scheduleInput', () => {
  it('is the package, the schedule expression and the Scheduler scheduled-time attribute', () => {
    expect(scheduleInput('web', 'cron(0/5 * * * ? *)')).toEqual({
      package: 'web',
      schedule: 'cron(0/5 * * * ? *)',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    expect(SCHEDULER_SCHEDULED_TIME).toBe('<aws.scheduler.scheduled-time>');
  });

  it('serialises to the JSON Input Scheduler substitutes the time into', () => {
    const input = JSON.stringify(scheduleInput('web', 'rate(5 minutes)'));
    expect(input).toBe(
      '{"package":"web","schedule":"rate(5 minutes)","scheduledTime":"<aws.scheduler.scheduled-time>"}',
    );
    const delivered = JSON.parse(input.replace(SCHEDULER_SCHEDULED_TIME, '2025-03-22T18:55:00Z')) as unknown;
    expect(delivered).toEqual({
      package: 'web',
      schedule: 'rate(5 minutes)',
      scheduledTime: '2025-03-22T18:55:00Z',
    });
  });

  it('gives every schedule of a bundle an Input naming it', () => {
    const bundle: DeploymentBundle = {
      version: BUNDLE_VERSION,
      packages: [
        {
          name: 'web',
          version: '1.0.0',
          document: { name: 'healops-web', versionName: '1.0.0' },
          targets: { type: 'tags', tags: { Role: ['web'] } },
          blastRadius: { maxConcurrency: '25%', maxErrors: '10%' },
          checks: [
            makeCheck({ name: 'up', schedule: 'rate(5 minutes)' }),
            makeCheck({ name: 'disk', schedule: 'rate(5 minutes)' }),
            makeCheck({ name: 'conns', schedule: 'rate(1 minute)' }),
          ],
        },
      ],
      tickets: [],
    };
    const inputs = bundleSchedules(bundle).map((s) => scheduleInput(s.package, s.schedule));
    expect(inputs).toEqual([
      { package: 'web', schedule: 'rate(5 minutes)', scheduledTime: SCHEDULER_SCHEDULED_TIME },
      { package: 'web', schedule: 'rate(1 minute)', scheduledTime: SCHEDULER_SCHEDULED_TIME },
    ]);
  });
});
