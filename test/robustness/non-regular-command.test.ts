import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addPackage, resultOf, runOnce, sandbox } from './robustness-kit.js';

/** Releases any reader stuck in open() on `fifo` (a writer that opens and closes), so a failure cannot hang. */
function unblock(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // no reader waiting
  }
}

describe('a check whose command is a FIFO', () => {
  it('ends UNKNOWN with a clear start error instead of hanging past its timeout', async () => {
    const box = sandbox();
    const fifo = join(box.root, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    onTestFinished(() => unblock(fifo));
    addPackage(
      box,
      'piped',
      `
checks:
  - name: fifo
    command: [${JSON.stringify(fifo)}]
    timeout: 2s
`,
    );

    // The safety limit is far above the check's timeout: a run that blocks opening the FIFO never reaches it.
    const run = await runOnce(box, [box.packages], { timeoutMs: 20_000 });

    expect(run.code).toBe(1);
    const result = resultOf(run.report, 'fifo');
    expect(result.status).toBe('unknown');
    expect(`${result.summary}\n${result.output}`).toContain('EACCES');
    expect(`${result.summary}\n${result.output}`).toContain(fifo);
  });
});
