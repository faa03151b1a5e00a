import { ConfigError } from '../errors.js';
import { paramEnvName } from './placeholders.js';
import type { ParamManifest } from './schema.js';

export type ParamValue = string | number | boolean;

export interface ParamResolution {
  /** Value of every parameter that has one, as a string. */
  readonly values: Readonly<Record<string, string>>;
  /** HEALOPS_PARAM_<NAME> for every parameter with a value. */
  readonly env: Readonly<Record<string, string>>;
  /** Required parameters without a value, in declaration order. */
  readonly missing: readonly string[];
}

/**
 * Merges configured values over the declared defaults. Throws ConfigError when the config sets parameters the
 * package does not declare (a typo must not be silently ignored).
 */
export function resolveParams(
  packageName: string,
  declared: Readonly<Record<string, ParamManifest>>,
  overrides: Readonly<Record<string, ParamValue>>,
): ParamResolution {
  const names = Object.keys(declared);
  const unknown = Object.keys(overrides).filter((name) => !Object.hasOwn(declared, name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => JSON.stringify(name)).join(', ');
    const known = names.length > 0 ? `declared: ${names.join(', ')}` : 'it declares no params';
    throw new ConfigError(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${list} for package ${JSON.stringify(packageName)} (${known})`,
    );
  }
  const values: Record<string, string> = {};
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, param] of Object.entries(declared)) {
    const value = Object.hasOwn(overrides, name) ? overrides[name] : param.default;
    if (value === undefined) {
      if (param.required === true) {
        missing.push(name);
      }
      continue;
    }
    values[name] = String(value);
    env[paramEnvName(name)] = String(value);
  }
  return { values, env, missing };
}

/** `missing required parameter "url" (set params.http-endpoint.url in healops.config.yaml)` */
export function missingParamsReason(packageName: string, missing: readonly string[]): string {
  const names = missing.map((name) => JSON.stringify(name)).join(', ');
  const settings = missing.map((name) => `params.${packageName}.${name}`).join(', ');
  const plural = missing.length > 1 ? 's' : '';
  return `missing required parameter${plural} ${names} (set ${settings} in healops.config.yaml)`;
}
