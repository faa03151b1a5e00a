import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckRun } from '../model/results.js';
import type { RunSettings } from './deps.js';

/** Environment variables longer than this are cut: some platforms cap the whole environment at 128 KiB. */
const OUTPUT_ENV_LIMIT = 8 * 1024;

/** What every check, stats job and repair script receives. */
export function scriptEnv(
  check: ResolvedCheck,
  key: CheckKey,
  settings: RunSettings,
): Record<string, string> {
  return {
    ...check.env,
    ...(settings.scriptEnv?.(key) ?? {}),
    HEALOPS_PACKAGE: check.package,
    HEALOPS_CHECK: check.name,
    HEALOPS_TARGET: key.target,
    HEALOPS_ENVIRONMENT: check.environment,
  };
}

/** Repairs also learn what the check saw, and which round this is. */
export function repairEnv(
  check: ResolvedCheck,
  run: CheckRun,
  attempt: number,
  settings: RunSettings,
): Record<string, string> {
  return {
    ...scriptEnv(check, run.key, settings),
    HEALOPS_CHECK_STATUS: run.status.toUpperCase(),
    HEALOPS_CHECK_EXIT_CODE: run.exitCode === null ? '' : String(run.exitCode),
    // An environment value cannot hold NUL; the full output is on stdin as JSON anyway.
    HEALOPS_CHECK_OUTPUT: run.output.slice(0, OUTPUT_ENV_LIMIT).replaceAll('\u0000', ''),
    HEALOPS_REPAIR_ATTEMPT: String(attempt),
  };
}
