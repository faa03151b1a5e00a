import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  parseManifest,
  type ResolvedCheck,
  resolvePackage,
  type SsmCommandDocument,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';

/*
 * A package with a check and its repair for the SSM executor and the repair Lambda, run for real by the SSM emulator.
 * Each emulated instance gets its own state folder (SVC_STATE_DIR in its environment): the "service" is up when
 * `up` exists there; the repair appends to `repairs.log` (one line per run), keeps what it read on stdin and in
 * HEALOPS_CHECK_OUTPUT, and fails while `broken` exists. Timeouts are long because the emulator runs at a time scale
 * (0.01: 90 SSM seconds last 0.9 s).
 */

export const FIXTURE_PACKAGE = 'web';

export const FIXTURE_MANIFEST = `name: web
version: 1.2.0
checks:
  - name: svc-up
    script: checks/svc-up.sh
    timeout: 90s
    failAfter: 1
    repair:
      script: repairs/svc-start.sh
      verifyAfter: 1ms
      maxAttempts: 1
      timeout: 90s
      budget: { max: 5, per: 1h }
  - name: slow
    script: checks/slow.sh
    timeout: 60s
`;

export const FIXTURE_FILES = [
  {
    relativePath: 'checks/svc-up.sh',
    platform: 'any' as const,
    content: `#!/bin/sh
if [ -f "$SVC_STATE_DIR/up" ]; then echo "SVC OK - running | up=1"; exit 0; fi
echo "SVC CRITICAL - not running on $HEALOPS_TARGET | up=0"
exit 2
`,
  },
  {
    relativePath: 'repairs/svc-start.sh',
    platform: 'any' as const,
    content: `#!/bin/sh
echo "attempt $HEALOPS_REPAIR_ATTEMPT" >>"$SVC_STATE_DIR/repairs.log"
cat >"$SVC_STATE_DIR/last-stdin"
printf '%s' "$HEALOPS_CHECK_OUTPUT" >"$SVC_STATE_DIR/last-output"
if [ -f "$SVC_STATE_DIR/broken" ]; then echo "cannot start the service"; exit 1; fi
touch "$SVC_STATE_DIR/up"
echo "service started"
`,
  },
  {
    relativePath: 'checks/slow.sh',
    platform: 'any' as const,
    content: `#!/bin/sh
touch "$SVC_STATE_DIR/slow-started"
sleep 30
echo "SLOW OK"
`,
  },
];

const parsed = parseManifest(FIXTURE_MANIFEST, 'web/healops.yaml');
if (!parsed.value) throw new Error('the fixture manifest does not parse');
const manifest = parsed.value;

export const FIXTURE_DOCUMENT: SsmCommandDocument = ssmCommandDocument({
  package: FIXTURE_PACKAGE,
  version: manifest.version,
  jobs: ssmJobsOf(manifest),
  files: FIXTURE_FILES,
});

/** The package's checks as a deployment bundle carries them. */
export const FIXTURE_CHECKS: readonly ResolvedCheck[] = resolvePackage({
  manifest,
  dir: '/opt/healops/packages/web',
  manifestPath: '/opt/healops/packages/web/healops.yaml',
}).checks;

export function fixtureCheck(name: string): ResolvedCheck {
  const check = FIXTURE_CHECKS.find((c) => c.name === name);
  if (check === undefined) throw new Error(`no fixture check ${name}`);
  return check;
}

/** A fresh state folder for one emulated instance. */
export function stateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'healops-svc-'));
}

/** A valid EC2 instance id (i- + 17 hex digits) for a small number. */
export function instanceId(n: number): string {
  return `i-${n.toString(16).padStart(17, '0')}`;
}

/** Wall-clock time; sleep ends early when the signal aborts. */
export const wallClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};
