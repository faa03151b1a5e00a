import {
  type BundlePackage,
  DEFAULT_MAX_OUTPUT_BYTES,
  fleetEnv,
  parseManifest,
  type ResolvedCheck,
  type SsmCommandDocument,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';

/*
 * The bench package: 10 checks, each a trivial shell command (`/bin/sh -c 'exit 0'` or `'exit 2'`), so the only host
 * cost is the document's Linux step and the processes it starts. Commands, not package scripts: a document with
 * package files writes every file on every run (mkdir, base64, chmod per file), which doubles the host cost here. Half the checks are CRITICAL on every host (SSM status Failed),
 * which MaxErrors must not stop: the blast radius lets every host run and tolerates every error.
 */

export const PACKAGE = 'bench';
export const VERSION = '1.0.0';
export const CHECK_COUNT = 10;
export const PLUGIN_NAME = 'healopsLinux';

const OK_EXIT = 0;
const CRITICAL_EXIT = 2;
const CHECK_NAMES = Array.from({ length: CHECK_COUNT }, (_, i) => `check-${String(i + 1).padStart(2, '0')}`);

function exitOf(index: number): number {
  return index % 2 === 0 ? OK_EXIT : CRITICAL_EXIT;
}

function argvOf(index: number): string[] {
  return ['/bin/sh', '-c', `exit ${exitOf(index)}`];
}

function manifestText(): string {
  const checks = CHECK_NAMES.map(
    (name, i) =>
      `  - name: ${name}\n    command: ${JSON.stringify(argvOf(i))}\n    schedule: rate(5 minutes)\n    timeout: 30s\n`,
  );
  return `name: ${PACKAGE}\nversion: ${VERSION}\nchecks:\n${checks.join('')}`;
}

export function benchDocument(): SsmCommandDocument {
  const parsed = parseManifest(manifestText(), `${PACKAGE}/healops.yaml`);
  if (!parsed.value) throw new Error(`bench manifest does not parse: ${JSON.stringify(parsed)}`);
  return ssmCommandDocument({
    package: PACKAGE,
    version: VERSION,
    jobs: ssmJobsOf(parsed.value),
    files: [],
  });
}

function resolved(name: string, index: number): ResolvedCheck {
  const argv = argvOf(index);
  return {
    kind: 'check',
    package: PACKAGE,
    packageVersion: VERSION,
    name,
    environment: 'bench',
    command: { argv, fromPackage: false, display: argv.join(' ') },
    schedule: 'rate(5 minutes)',
    timeoutMs: 30_000,
    failAfter: 1,
    unknownAfter: 3,
    failOn: 'critical',
    severity: 'critical',
    platform: 'any',
    dependsOn: [],
    maintenance: [],
    flap: { enabled: true, low: 20, high: 30 },
    reportOnly: false,
    env: {},
    packageDir: `/${PACKAGE}`,
  };
}

export const CHECKS: readonly ResolvedCheck[] = CHECK_NAMES.map(resolved);

/** The environment each check job carries (what core's checkPackage sends). */
export function checkEnv(check: ResolvedCheck): Record<string, string> {
  return fleetEnv(check, { dryRun: false, maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES });
}

/** The expected exit code of a check (0 or 2). */
export function expectedExit(checkName: string): number {
  return exitOf(CHECK_NAMES.indexOf(checkName));
}

export function bundlePackage(
  document: SsmCommandDocument,
  targets: BundlePackage['targets'],
): BundlePackage {
  return {
    name: PACKAGE,
    version: VERSION,
    document: { name: document.name, versionName: document.versionName },
    targets,
    blastRadius: { maxConcurrency: '100%', maxErrors: '100%' },
    checks: CHECKS,
  };
}

/** A valid EC2 instance id (i- + 17 hex digits). */
export function instanceId(n: number): string {
  return `i-${n.toString(16).padStart(17, '0')}`;
}
