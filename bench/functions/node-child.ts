import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';

/**
 * Runs `node <args>` in a fresh process (environment: PATH and `env` only) and parses the JSON it writes to file
 * descriptor 3 (stdout is left to what the code under test logs; it is discarded).
 */
export function nodeJson<T>(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const figures = child.stdio[3];
    if (!(figures instanceof Readable)) {
      child.kill();
      reject(new Error('no pipe on file descriptor 3'));
      return;
    }
    let out = '';
    let err = '';
    figures.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || out === '') reject(new Error(`${what} failed (exit ${code}): ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as T);
    });
  });
}
