import {
  type BundlePackage,
  parseManifest,
  type ResolvedCheck,
  resolvePackage,
  type SsmCommandDocument,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';
import { FIXTURE_FILES } from '../../../../packages/aws/test/support/repair-fixture.js';

// The package the check function's tests deploy: the repair fixture's service check and repair (scripts read
// SVC_STATE_DIR: `up` there = running, `broken` = the repair fails), on a schedule of its own, and a stats job on
// another schedule (a scheduled invocation runs its own schedule's jobs only).

export const PACKAGE = 'web';
export const CHECK_SCHEDULE = 'rate(5 minutes)';
export const STATS_SCHEDULE = 'rate(1 minute)';

const MANIFEST = `name: web
version: 1.2.0
checks:
  - name: svc-up
    script: checks/svc-up.sh
    schedule: ${CHECK_SCHEDULE}
    timeout: 90s
    failAfter: 1
    repair:
      script: repairs/svc-start.sh
      verifyAfter: 1ms
      maxAttempts: 1
      timeout: 90s
      budget: { max: 5, per: 1h }
stats:
  - name: conns
    command: [/bin/echo, "CONNS OK | conns=7"]
    schedule: ${STATS_SCHEDULE}
`;

const parsed = parseManifest(MANIFEST, 'web/healops.yaml');
if (!parsed.value) throw new Error('the check fixture manifest does not parse');
const manifest = parsed.value;

export const DOCUMENT: SsmCommandDocument = ssmCommandDocument({
  package: PACKAGE,
  version: manifest.version,
  jobs: ssmJobsOf(manifest),
  files: FIXTURE_FILES.filter((f) => f.relativePath !== 'checks/slow.sh'),
});

export const CHECKS: readonly ResolvedCheck[] = resolvePackage({
  manifest,
  dir: '/opt/healops/packages/web',
  manifestPath: '/opt/healops/packages/web/healops.yaml',
}).checks;

export function bundlePackage(targets: BundlePackage['targets']): BundlePackage {
  return {
    name: PACKAGE,
    version: manifest.version,
    document: { name: DOCUMENT.name, versionName: DOCUMENT.versionName },
    targets,
    blastRadius: { maxConcurrency: '25%', maxErrors: '50%' },
    checks: CHECKS,
  };
}
