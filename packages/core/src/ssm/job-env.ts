/**
 * The `env` and `stdin` parameters of a HealOps SSM document. SSM pastes parameter values into the script text, so
 * both travel as base64 (the document's allowedPattern admits nothing else). `env` decodes to one line per variable,
 * `NAME=<base64 of the value>`: the host splits and decodes each line and exports it, never evaluating anything, so
 * a value (quotes, `; rm -rf /`, newlines, $(...)) reaches the job verbatim and can never run. Names must start with
 * HEALOPS_: the environment cannot redirect PATH, LD_PRELOAD or the shell's start-up files.
 */
import { base64Decode, base64Encode } from './base64.js';
import { SsmEnvError } from './errors.js';

export const SSM_ENV_NAME_PATTERN = '^HEALOPS_[A-Z0-9_]+$';
const NAME_RE = new RegExp(SSM_ENV_NAME_PATTERN);
const LINE_RE = /^(HEALOPS_[A-Z0-9_]+)=([A-Za-z0-9+/]*={0,2})$/;

/** The `env` parameter for a job environment (sorted by name, so equal environments encode equally). */
export function ssmJobEnv(env: Readonly<Record<string, string>>): string {
  const names = Object.keys(env).sort();
  const bad = names.filter((name) => !NAME_RE.test(name));
  if (bad.length > 0) {
    throw new SsmEnvError(
      `cannot send ${bad.map((name) => JSON.stringify(name)).join(', ')} through SSM: environment names must match ${SSM_ENV_NAME_PATTERN}`,
    );
  }
  const lines = names.map((name) => `${name}=${base64Encode(env[name] ?? '')}\n`);
  return base64Encode(lines.join(''));
}

/** The environment an `env` parameter carries (what the host exports); throws SsmEnvError when malformed. */
export function decodeSsmJobEnv(param: string): Record<string, string> {
  const text = base64Decode(param);
  if (text === undefined) {
    throw new SsmEnvError('the env parameter is not base64');
  }
  const env: Record<string, string> = {};
  text
    .split('\n')
    .filter((line) => line !== '')
    .forEach((line, index) => {
      const match = LINE_RE.exec(line);
      const value = match?.[2] === undefined ? undefined : base64Decode(match[2]);
      if (!match?.[1] || value === undefined) {
        throw new SsmEnvError(`line ${index + 1} of the env parameter is not NAME=<base64>`);
      }
      env[match[1]] = value;
    });
  return env;
}

/** The `stdin` parameter: base64 of what the job reads on standard input ('' for none). */
export function ssmStdin(text: string): string {
  return base64Encode(text);
}
