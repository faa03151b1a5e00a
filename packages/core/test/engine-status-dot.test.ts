import { describe, expect, it } from 'vitest';
import { statusDot } from '../src/engine/status-dot.js';
import type { Problem } from '../src/model/state.js';
import type { Severity } from '../src/model/status.js';
import { KEY } from './support/fixtures.js';

function problems(...severities: Severity[]) {
  return severities.map((severity, i) => ({
    key: { ...KEY, check: `c${i}` },
    problem: {
      dedupKey: `k${i}`,
      openedAt: '2026-01-01T00:00:00.000Z',
      severity,
      reason: 'no-repair',
      lastStatus: 'critical',
      lastOutput: '',
      updatedAt: '2026-01-01T00:00:00.000Z',
      occurrences: 1,
    } satisfies Problem,
  }));
}

describe('statusDot', () => {
  it.each([
    { severities: [] as Severity[], dot: 'green' },
    { severities: ['warning', 'info'] as Severity[], dot: 'green' },
    { severities: ['critical'] as Severity[], dot: 'yellow' },
    { severities: ['error', 'warning'] as Severity[], dot: 'yellow' },
    { severities: ['error', 'critical'] as Severity[], dot: 'red' },
    { severities: ['critical', 'critical', 'critical'] as Severity[], dot: 'red' },
  ])('$severities -> $dot', ({ severities, dot }) => {
    expect(statusDot(problems(...severities))).toBe(dot);
  });
});
