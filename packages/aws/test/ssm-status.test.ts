import { describe, expect, it } from 'vitest';
import { type SsmOutcome, ssmExecResult } from '../src/index.js';

function outcome(status: SsmOutcome['status'], statusDetails: string, responseCode?: number): SsmOutcome {
  return {
    status,
    statusDetails,
    responseCode,
    stdout: 'out',
    stderr: '',
    truncated: false,
    durationMs: 12,
  };
}

describe('ssmExecResult', () => {
  it.each([
    { name: 'Success 0', o: outcome('Success', 'Success', 0), exit: 0 },
    { name: 'Failed with a Nagios code', o: outcome('Failed', 'Failed', 2), exit: 2 },
    { name: 'Failed with exit 3', o: outcome('Failed', 'Failed', 3), exit: 3 },
  ])('keeps the exit code of a script that ran: $name', ({ o, exit }) => {
    expect(ssmExecResult(o)).toMatchObject({ exitCode: exit, timedOut: false, signal: null, stdout: 'out' });
    expect(ssmExecResult(o).spawnError).toBeUndefined();
  });

  it.each([
    { status: 'Failed', details: 'Undeliverable' },
    { status: 'Failed', details: 'AccessDenied' },
    { status: 'Failed', details: 'InvalidPlatform' },
    { status: 'TimedOut', details: 'DeliveryTimedOut' },
    { status: 'TimedOut', details: 'Delivery Timed Out' },
    { status: 'Cancelled', details: 'Terminated' },
    { status: 'Failed', details: 'Failed' },
  ] as const)(
    'reports a script that never ran ($status/$details) as not run, naming the reason',
    ({ status, details }) => {
      const exec = ssmExecResult(outcome(status, details, -1));
      expect(exec.exitCode).toBeNull();
      expect(exec.timedOut).toBe(false);
      const why = details === status ? status : `${status} (${details})`;
      expect(exec.spawnError).toBe(`SSM ${why}: the script did not run to its end on the host`);
    },
  );

  it('reports an execution timeout as timed out, and a cancellation as killed', () => {
    expect(ssmExecResult(outcome('TimedOut', 'ExecutionTimedOut', 137))).toMatchObject({
      exitCode: null,
      timedOut: true,
    });
    expect(ssmExecResult(outcome('TimedOut', 'Execution Timed Out', 137))).toMatchObject({ timedOut: true });
    expect(ssmExecResult(outcome('Cancelled', 'Cancelled', -1))).toMatchObject({
      exitCode: null,
      signal: 'SSM Cancelled',
    });
  });
});
