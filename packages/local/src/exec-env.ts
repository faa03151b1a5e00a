/**
 * Variables copied from HealOps's own environment into every child, when set. Everything else in process.env
 * (credentials, tokens, cloud keys...) is deliberately NOT inherited: a check gets only this minimal base plus
 * what its request names explicitly.
 */
export const INHERITED_ENV_KEYS = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'SHELL',
] as const;

/** PATH given to children when HealOps itself runs without one. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment for one child: the inherited base from `source`, then `extra` on top. */
export function buildExecEnv(
  extra: Readonly<Record<string, string>>,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const key of INHERITED_ENV_KEYS) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  return { ...env, ...extra };
}
