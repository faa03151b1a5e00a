/** The jobs an SSM document can run: each check, its repair and each stats job of a package, by id. */
import { posix } from 'node:path';
import type { PackageManifest } from '../manifest/schema.js';
import type { Platform } from '../model/status.js';

export const SSM_JOB_KINDS = ['check', 'repair', 'stats'] as const;
export type SsmJobKind = (typeof SSM_JOB_KINDS)[number];

/** `check:nginx-up`, `repair:nginx-up`, `stats:uptime`. */
export const SSM_JOB_ID_PATTERN = '^(check|repair|stats):[a-z0-9][a-z0-9-]{0,63}$';

export function ssmJobId(kind: SsmJobKind, name: string): string {
  return `${kind}:${name}`;
}

export interface SsmJob {
  /** `check:<name>`, `repair:<check name>` or `stats:<name>`: the document's `job` parameter value. */
  readonly id: string;
  /**
   * The argv as written in healops.yaml. With `fromPackage`, argv[0] is the script's path inside the package
   * (`checks/up.sh`); otherwise a program on the target. `${params.x}` placeholders stay in: the host expands
   * them from HEALOPS_PARAM_X of the `env` parameter, so parameter values never enter the document.
   */
  readonly argv: readonly string[];
  readonly fromPackage: boolean;
  /** Platform the job runs on; the step of the other platform answers UNKNOWN for it. */
  readonly platform: Platform;
}

function jobOf(
  id: string,
  job: { readonly script?: string | undefined; readonly command?: readonly string[] | undefined },
  platform: Platform,
): SsmJob {
  return job.script !== undefined
    ? { id, argv: [posix.normalize(job.script)], fromPackage: true, platform }
    : { id, argv: job.command ?? [], fromPackage: false, platform };
}

/** Every job of a (valid) manifest, in manifest order: each check followed by its repair, then the stats jobs. */
export function ssmJobsOf(manifest: PackageManifest): SsmJob[] {
  const packagePlatform = manifest.platform ?? 'any';
  const jobs: SsmJob[] = [];
  for (const check of manifest.checks ?? []) {
    const platform = check.platform ?? packagePlatform;
    jobs.push(jobOf(ssmJobId('check', check.name), check, platform));
    if (check.repair !== undefined) {
      jobs.push(jobOf(ssmJobId('repair', check.name), check.repair, platform));
    }
  }
  for (const stats of manifest.stats ?? []) {
    jobs.push(jobOf(ssmJobId('stats', stats.name), stats, stats.platform ?? packagePlatform));
  }
  return jobs;
}

/**
 * The package scripts the jobs run, each with the platform that needs it (`any` when jobs of both platforms do):
 * the files a caller reads and hands to ssmCommandDocument (plus any helper files the scripts use).
 */
export function ssmScriptPaths(jobs: readonly SsmJob[]): Array<{ relativePath: string; platform: Platform }> {
  const paths = new Map<string, Platform>();
  for (const job of jobs) {
    const [script] = job.argv;
    if (!job.fromPackage || script === undefined) {
      continue;
    }
    const seen = paths.get(script);
    paths.set(script, seen === undefined || seen === job.platform ? job.platform : 'any');
  }
  return [...paths].map(([relativePath, platform]) => ({ relativePath, platform }));
}
