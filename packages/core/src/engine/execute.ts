import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckRun } from '../model/results.js';
import { ssmJobId } from '../ssm/jobs.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { interpretExecution } from './interpret.js';
import { scriptEnv } from './script-env.js';

/** Runs a check (or stats job) once on its target and reads the result through the plugin contract. */
export async function executeCheck(
  deps: Pick<EngineDeps, 'executor' | 'clock'>,
  settings: RunSettings,
  check: ResolvedCheck,
  key: CheckKey,
  signal?: AbortSignal,
): Promise<CheckRun> {
  const startedAt = deps.clock.now();
  const exec = await deps.executor.run(
    {
      target: key.target,
      job: { package: check.package, id: ssmJobId(check.kind, check.name) },
      argv: check.command.argv,
      ...(check.command.fromPackage ? { cwd: check.packageDir } : {}),
      env: scriptEnv(check, key, settings),
      timeoutMs: check.timeoutMs,
      maxOutputBytes: settings.maxOutputBytes,
    },
    signal,
  );
  return interpretExecution(key, exec, startedAt);
}
