import { ssmJobEnv, ssmStdin } from '@healops/core';
import { SsmExecutorError } from './ssm-executor-error.js';

/** The `env` and `stdin` values of one SendCommand, and whether either had to be shortened to fit. */
export interface JobParameters {
  readonly env: string;
  readonly stdin: string;
  readonly shortened: readonly ('HEALOPS_CHECK_OUTPUT' | 'stdin')[];
}

/** The variable cut first: the check output a repair also finds in full on stdin. */
const OUTPUT_VARIABLE = 'HEALOPS_CHECK_OUTPUT';
/** The fields of a check run (a repair's stdin) worth cutting: everything else is small. */
const RUN_TEXT_FIELDS = ['output', 'longOutput'] as const;

/** Both values are base64 (ASCII): their length is their size in bytes. */
function size(parameters: { env: string; stdin: string }): number {
  return parameters.env.length + parameters.stdin.length;
}

/** The largest n in [0, max] for which fits(n) holds (fits is monotonic), or -1 when none does. */
function largest(max: number, fits: (n: number) => boolean): number {
  if (!fits(0)) return -1;
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** `stdin` with the text fields of a check run cut to `n` characters; the plain text cut when it is not one. */
function stdinCutter(stdin: string): { readonly max: number; readonly cut: (n: number) => string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdin);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const run = parsed as Record<string, unknown>;
    const fields = RUN_TEXT_FIELDS.filter((field) => typeof run[field] === 'string');
    if (fields.length > 0) {
      const max = Math.max(...fields.map((field) => String(run[field]).length));
      return {
        max,
        cut: (n) =>
          JSON.stringify({
            ...run,
            ...Object.fromEntries(fields.map((field) => [field, String(run[field]).slice(0, n)])),
            truncated: true,
          }),
      };
    }
  }
  return { max: stdin.length, cut: (n) => stdin.slice(0, n) };
}

/**
 * The `env` and `stdin` parameters of a job, within `roomBytes` (what the document leaves of SSM's 64 KiB): when they
 * do not fit, HEALOPS_CHECK_OUTPUT is shortened first, then the check run on stdin (its output fields; a stdin that
 * is not a check run is cut as text). Throws SsmExecutorError when the rest of the environment alone is too large
 * (the message names sizes, never values).
 */
export function fitJobParameters(
  env: Readonly<Record<string, string>>,
  stdin: string,
  roomBytes: number,
): JobParameters {
  const encode = (e: Readonly<Record<string, string>>, s: string) => ({
    env: ssmJobEnv(e),
    stdin: ssmStdin(s),
  });
  const whole = encode(env, stdin);
  if (size(whole) <= roomBytes) return { ...whole, shortened: [] };
  const shortened: Array<'HEALOPS_CHECK_OUTPUT' | 'stdin'> = [];
  let fittedEnv = env;
  const output = env[OUTPUT_VARIABLE];
  if (output !== undefined && output !== '') {
    const withOutput = (n: number) => ({ ...env, [OUTPUT_VARIABLE]: output.slice(0, n) });
    const n = largest(output.length, (k) => size(encode(withOutput(k), stdin)) <= roomBytes);
    if (n >= 0) return { ...encode(withOutput(n), stdin), shortened: [OUTPUT_VARIABLE] };
    fittedEnv = withOutput(0);
    shortened.push(OUTPUT_VARIABLE);
  }
  const cutter = stdinCutter(stdin);
  const n = largest(cutter.max, (k) => size(encode(fittedEnv, cutter.cut(k))) <= roomBytes);
  if (n >= 0) return { ...encode(fittedEnv, cutter.cut(n)), shortened: [...shortened, 'stdin'] };
  const envBytes = ssmJobEnv(fittedEnv).length;
  throw new SsmExecutorError(
    `the job environment is ${envBytes} bytes as an SSM parameter, over the ${roomBytes} bytes the document leaves for parameters (variables: ${Object.keys(env).sort().join(', ')})`,
  );
}
