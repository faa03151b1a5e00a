import { describe, expect, it } from 'vitest';
import { HEALOPS_DETAIL_TYPE_LIST } from '../src/events/detail-types.js';
import { HealOpsEventError } from '../src/events/errors.js';
import { checkHealOpsEvent, parseHealOpsEvent } from '../src/events/healops-event.js';
import { continueEvent, sampleEvents } from './support/event-fixtures.js';

function errorOf(fn: () => unknown): HealOpsEventError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HealOpsEventError);
    return error as HealOpsEventError;
  }
  throw new Error('expected a HealOpsEventError');
}

const [checkFailed, repairSucceeded, repairFailed, escalated, recovered] = sampleEvents(1);
if (!checkFailed || !repairSucceeded || !repairFailed || !escalated || !recovered)
  throw new Error('fixtures');

/** A copy of `value` with `path` set to `replacement` (undefined deletes it). */
function withField(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('parseHealOpsEvent', () => {
  it('reads back every detail-type from its JSON text, as an SQS message or a PutEvents entry holds it', () => {
    const events = [...sampleEvents(2), continueEvent(2)];
    expect(events.map((e) => e.detailType)).toEqual(HEALOPS_DETAIL_TYPE_LIST);
    for (const event of events) {
      expect(parseHealOpsEvent(event.detailType, JSON.stringify(event.detail))).toEqual(event);
      expect(checkHealOpsEvent(event)).toEqual(event);
    }
  });

  it.each<{ name: string; detailType: string; detail: unknown; message: string }>([
    {
      name: 'a missing field',
      detailType: checkFailed.detailType,
      detail: withField(checkFailed.detail, ['idempotencyKey'], undefined),
      message: 'HealOps Check Failed: detail.idempotencyKey: required field is missing',
    },
    {
      name: 'a field of the wrong type',
      detailType: checkFailed.detailType,
      detail: withField(checkFailed.detail, ['consecutiveFailures'], 'three'),
      message: 'HealOps Check Failed: detail.consecutiveFailures: expected a number, got "three"',
    },
    {
      name: 'a fraction where a count belongs',
      detailType: checkFailed.detailType,
      detail: withField(checkFailed.detail, ['failAfter'], 1.5),
      message: 'HealOps Check Failed: detail.failAfter: expected an integer, got 1.5',
    },
    {
      name: 'a value outside the enumeration',
      detailType: repairFailed.detailType,
      detail: withField(repairFailed.detail, ['failure'], 'exploded'),
      message:
        'HealOps Repair Failed: detail.failure: invalid value "exploded" (expected "timed-out" or "exit-code" or "verify-failed")',
    },
    {
      name: 'a nested field',
      detailType: repairSucceeded.detailType,
      detail: withField(repairSucceeded.detail, ['attempt', 'verifyStatus'], 'fine'),
      message:
        'HealOps Repair Succeeded: detail.attempt.verifyStatus: invalid value "fine" (expected "ok" or "warning" or "critical" or "unknown")',
    },
    {
      name: 'a field inside a list',
      detailType: escalated.detailType,
      detail: withField(escalated.detail, ['ticket', 'repairs', 0, 'startedAt'], 'yesterday'),
      message: 'HealOps Escalated: detail.ticket.repairs[0].startedAt: invalid datetime "yesterday"',
    },
    {
      name: 'a string over its bound, without echoing it',
      detailType: escalated.detailType,
      detail: withField(escalated.detail, ['ticket', 'output'], 'q'.repeat(9_000)),
      message: 'HealOps Escalated: detail.ticket.output: too long: 9000 characters (at most 8000)',
    },
    {
      name: 'a list over its bound',
      detailType: checkFailed.detailType,
      detail: withField(
        checkFailed.detail,
        ['dependsOn'],
        Array.from({ length: 21 }, (_, i) => `c${i}`),
      ),
      message: 'HealOps Check Failed: detail.dependsOn: too many items: 21 (at most 20)',
    },
    {
      name: 'an unknown field',
      detailType: recovered.detailType,
      detail: withField(recovered.detail, ['extra'], 1),
      message: 'HealOps Recovered: detail: Unrecognized key: "extra"',
    },
    {
      name: 'another detail version',
      detailType: recovered.detailType,
      detail: withField(recovered.detail, ['version'], 2),
      message: 'HealOps Recovered: detail.version: invalid value 2 (expected 1)',
    },
    {
      name: 'a resolve ticket on an escalation',
      detailType: escalated.detailType,
      detail: withField(escalated.detail, ['ticket', 'action'], 'resolve'),
      message:
        'HealOps Escalated: detail.ticket.action: invalid value "resolve" (expected "trigger" or "update")',
    },
    {
      name: 'an empty dedup key',
      detailType: recovered.detailType,
      detail: withField(recovered.detail, ['dedupKey'], ''),
      message: 'HealOps Recovered: detail.dedupKey: must not be empty',
    },
    {
      name: 'a detail that is not an object',
      detailType: recovered.detailType,
      detail: [1, 2],
      message: 'HealOps Recovered: detail: expected an object, got a list',
    },
    {
      name: 'text that is not JSON',
      detailType: checkFailed.detailType,
      detail: '{"version":',
      message: 'HealOps Check Failed: detail is not valid JSON',
    },
    {
      name: 'a detail-type HealOps does not publish',
      detailType: 'CloudWatch Alarm State Change',
      detail: {},
      message:
        'not a HealOps detail-type: "CloudWatch Alarm State Change" (expected one of "HealOps Check Failed", "HealOps Repair Succeeded", "HealOps Repair Failed", "HealOps Escalated", "HealOps Recovered", "HealOps Check Continue")',
    },
  ])('names the field for $name', ({ detailType, detail, message }) => {
    const error = errorOf(() => parseHealOpsEvent(detailType, detail));
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.message).not.toContain(
      'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
    );
  });

  it('reports every bad field at once, one line each', () => {
    const detail = withField(withField(checkFailed.detail, ['status'], 'ok'), ['exitCode'], 'two');
    const lines = errorOf(() => parseHealOpsEvent(checkFailed.detailType, detail)).message.split('\n');
    expect(lines).toEqual([
      'HealOps Check Failed: detail.status: invalid value "ok" (expected "warning" or "critical")',
      'HealOps Check Failed: detail.exitCode: expected a number, got "two"',
    ]);
  });
});
