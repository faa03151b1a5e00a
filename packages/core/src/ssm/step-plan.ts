/** What each platform step of the document holds: its files (with modes) and, per job, a run or a refusal. */
import type { Platform } from '../model/status.js';
import type { SsmJob } from './jobs.js';

export const STEP_PLATFORMS = ['linux', 'windows'] as const;
export type StepPlatform = (typeof STEP_PLATFORMS)[number];

export interface SsmPackageFile {
  /** Path inside the package, forward slashes (`checks/up.sh`). */
  readonly relativePath: string;
  /** The file's text. */
  readonly content: string;
  /** Which step writes it: `any` writes it on both. */
  readonly platform: Platform;
  /** Written executable (0700) even when no job runs it directly (a helper a script calls). */
  readonly executable?: boolean;
}

export interface PlannedFile {
  readonly relativePath: string;
  readonly content: string;
  readonly executable: boolean;
}

export type PlannedJob =
  | { readonly id: string; readonly run: SsmJob }
  | { readonly id: string; readonly refuse: string };

export interface StepPlan {
  readonly platform: StepPlatform;
  readonly files: readonly PlannedFile[];
  readonly jobs: readonly PlannedJob[];
}

export function runsOn(platform: Platform, step: StepPlatform): boolean {
  return platform === 'any' || platform === step;
}

export function planStep(
  step: StepPlatform,
  jobs: readonly SsmJob[],
  files: readonly SsmPackageFile[],
): StepPlan {
  const scripts = new Set(
    jobs.filter((job) => job.fromPackage && runsOn(job.platform, step)).map((j) => j.argv[0]),
  );
  const host = step === 'linux' ? 'Linux' : 'Windows';
  return {
    platform: step,
    files: files
      .filter((file) => runsOn(file.platform, step))
      .map((file) => ({
        relativePath: file.relativePath,
        content: file.content,
        executable: file.executable === true || scripts.has(file.relativePath),
      })),
    jobs: jobs.map((job) =>
      runsOn(job.platform, step)
        ? { id: job.id, run: job }
        : { id: job.id, refuse: `job ${job.id} runs on ${job.platform} only; this instance runs ${host}` },
    ),
  };
}
