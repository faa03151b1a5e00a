import type { RunSettings } from '../engine/deps.js';
import { scriptEnv } from '../engine/script-env.js';
import type { ResolvedCheck } from '../model/check.js';

/**
 * The environment of a check job sent to a whole fleet: the script environment without HEALOPS_TARGET and without
 * per-target extras (settings.scriptEnv), since one command serves many hosts. The package's SSM document sets
 * HEALOPS_TARGET on each host from its own instance id.
 */
export function fleetEnv(check: ResolvedCheck, settings: RunSettings): Record<string, string> {
  const { scriptEnv: _perTarget, ...shared } = settings;
  const key = { package: check.package, check: check.name, target: '' };
  const { HEALOPS_TARGET: _target, ...env } = scriptEnv(check, key, shared);
  return env;
}
