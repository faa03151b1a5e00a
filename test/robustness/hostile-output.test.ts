import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../support/cli.js';
import { addPackage, cli, resultOf, runOnce, sandbox, sh, stateDir } from './robustness-kit.js';

const FIFTY_MB = 50 * 1024 * 1024;
/** Far below 50 MB, far above the engine's capture limit: proves the cap without pinning its exact size. */
const BOUNDED = 2 * 1024 * 1024;

interface StatusJson {
  readonly dot: string;
  readonly problems: Array<{ check: string; lastOutput: string }>;
}

describe('a check that prints about 50 MB', () => {
  it('is recorded with its status from the first line and its output capped', async () => {
    const box = sandbox();
    addPackage(
      box,
      'chatty',
      `
checks:
  - name: floods
    script: checks/floods.sh
    timeout: 60s
`,
      {
        'checks/floods.sh': sh(`
echo "FLOOD CRITICAL - queue overflow | depth=50000;100;1000;0;"
yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c ${FIFTY_MB}
exit 2
`),
      },
    );

    const run = await runOnce(box, [box.packages], { timeoutMs: 60_000 });

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBeLessThan(BOUNDED);
    const result = resultOf(run.report, 'floods');
    expect(result).toMatchObject({
      status: 'critical',
      initialStatus: 'critical',
      outcome: 'escalated',
      summary: 'FLOOD CRITICAL - queue overflow',
      repair: { attempted: false, skippedReason: 'no-repair' },
    });
    expect(result.metrics).toContainEqual({ name: 'healops.perf.depth', value: 50000, unit: '' });
    expect(result.output.startsWith('FLOOD CRITICAL - queue overflow')).toBe(true);
    expect(result.output.length).toBeGreaterThan(1000);
    expect(result.output.length).toBeLessThan(BOUNDED);
    // The cut is reported, not silent: in the result and in the audit trail.
    expect(result.truncated).toBe(true);
    const events = json<Array<{ message: string; detail?: { truncated?: boolean } }>>(
      await cli(box, ['audit', '--json', '--home', box.home]),
    );
    expect(events.some((e) => e.detail?.truncated === true && e.message.startsWith('output cut'))).toBe(true);

    // Nothing downstream holds the flood either: the open problem and the store stay small.
    const status = json<StatusJson>(await cli(box, ['status', '--json', '--home', box.home]));
    expect(status.problems.map((p) => p.check)).toEqual(['floods']);
    expect(status.problems[0]?.lastOutput.length).toBeLessThan(BOUNDED);
    expect(statSync(join(box.home, 'healops.db')).size).toBeLessThan(BOUNDED);
  });
});

describe('a check whose first line is binary', () => {
  it('is UNKNOWN and never repaired, and `run --json` is still valid JSON', async () => {
    const box = sandbox();
    addPackage(
      box,
      'garbled',
      `
checks:
  - name: binary
    script: checks/binary.sh
    repair: { script: repairs/fix.sh, verifyAfter: 0s }
`,
      {
        // NUL, a BOM-like FF FE, a lone continuation byte, a truncated 2-byte sequence, ESC sequences; exit 2.
        'checks/binary.sh': sh(`
printf '\\377\\376CRIT\\000ICAL \\303\\050 \\200\\201 | a=1\\n\\033[31mred\\033[0m\\n'
exit 2
`),
        'repairs/fix.sh': sh('touch "$HEALOPS_STATE_DIR/repaired"'),
      },
    );

    const run = await runOnce(box);

    expect(run.code).toBe(1);
    const result = resultOf(run.report, 'binary');
    expect(result).toMatchObject({
      status: 'unknown',
      outcome: 'unknown',
      repair: { attempted: false, skippedReason: 'unknown-status', attempts: [] },
    });
    expect(result.summary).toMatch(/^UNKNOWN - /);
    // The bytes reach the report as text (U+FFFD replacements, the NUL escaped by JSON), never as raw bytes.
    expect(result.output).toContain('\uFFFD');
    expect(existsSync(join(stateDir(box, 'garbled'), 'repaired'))).toBe(false);
  });
});

describe('a check whose first line is clean but whose other output is not UTF-8', () => {
  // Decision: the plugin contract reads the exit code and the first line. Bytes that are not UTF-8 further down
  // (a Latin-1 file name in the long output, a stray byte on stderr) are replaced with U+FFFD and do not hide the
  // result: the status is the exit code's, so a real CRITICAL is still repaired. NUL bytes in stdout, though, mean
  // binary data rather than plugin text: that result is UNKNOWN and never repaired.
  it('keeps the exit status, the summary and the perfdata, and repairs as usual', async () => {
    const box = sandbox();
    addPackage(
      box,
      'latin',
      `
checks:
  - name: disk
    script: checks/disk.sh
    repair: { script: repairs/clean.sh, verifyAfter: 0s }
  - name: noisy-stderr
    script: checks/noisy-stderr.sh
`,
      {
        'checks/disk.sh': sh(`
if [ -f "$HEALOPS_STATE_DIR/cleaned" ]; then echo "DISK OK - space freed | used=40%;80;90;0;100"; exit 0; fi
printf 'DISK CRITICAL - /srv is full | used=99%%;80;90;0;100\\n'
printf 'largest: /srv/caf\\351-cr\\350me.log\\n'
exit 2
`),
        'repairs/clean.sh': sh('touch "$HEALOPS_STATE_DIR/cleaned"'),
        'checks/noisy-stderr.sh': sh(`
echo "NOISY OK - fine | n=3;;;0;"
printf 'warning: \\377\\376 locale junk\\n' >&2
exit 0
`),
      },
    );

    const run = await runOnce(box);

    expect(run.code).toBe(0);
    const disk = resultOf(run.report, 'disk');
    expect(disk).toMatchObject({
      initialStatus: 'critical',
      status: 'ok',
      outcome: 'recovered',
      repair: { attempted: true, succeeded: true },
    });
    expect(disk.metrics).toContainEqual({ name: 'healops.perf.used', value: 99, unit: '%' });
    expect(resultOf(run.report, 'noisy-stderr')).toMatchObject({
      status: 'ok',
      outcome: 'ok',
      summary: 'NOISY OK - fine',
    });

    const audit = await cli(box, ['audit', '--json', '--home', box.home, '--package', 'latin']);
    expect(audit.code).toBe(0);
    expect(JSON.stringify(json<unknown[]>(audit))).toContain('DISK CRITICAL - /srv is full');
  });

  it('is UNKNOWN and never repaired when stdout holds NUL bytes after the first line', async () => {
    const box = sandbox();
    addPackage(
      box,
      'nul',
      `
checks:
  - name: dumps-binary
    script: checks/dumps-binary.sh
    repair: { script: repairs/fix.sh, verifyAfter: 0s }
`,
      {
        'checks/dumps-binary.sh': sh(`
echo "DUMP CRITICAL - core file follows"
printf '\\177ELF\\002\\001\\001\\000\\000\\000\\n'
exit 2
`),
        'repairs/fix.sh': sh('touch "$HEALOPS_STATE_DIR/repaired"'),
      },
    );

    const run = await runOnce(box);

    expect(run.code).toBe(1);
    expect(resultOf(run.report, 'dumps-binary')).toMatchObject({
      status: 'unknown',
      outcome: 'unknown',
      repair: { attempted: false, skippedReason: 'unknown-status' },
    });
    expect(existsSync(join(stateDir(box, 'nul'), 'repaired'))).toBe(false);
  });
});
