import type { CheckKey } from '../model/check.js';
import type { Problem } from '../model/state.js';

export const DOTS = ['green', 'yellow', 'red'] as const;
export type Dot = (typeof DOTS)[number];

/** Problems that colour the dot: the ones a human must act on. */
export function isPagingSeverity(problem: Problem): boolean {
  return problem.severity === 'critical' || problem.severity === 'error';
}

/** Green with no open critical/error problem, yellow with exactly one, red with two or more. */
export function statusDot(problems: ReadonlyArray<{ key: CheckKey; problem: Problem }>): Dot {
  const paging = problems.filter((p) => isPagingSeverity(p.problem)).length;
  return paging === 0 ? 'green' : paging === 1 ? 'yellow' : 'red';
}
