import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckKey } from '@healops/core';

/** `--home`, then HEALOPS_HOME, then ./.healops — where the SQLite store and script state dirs live. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.HEALOPS_HOME ?? '.healops');
}

const SAFE_SEGMENT = /[^A-Za-z0-9._-]/g;

/** A writable folder private to one package + target, handed to scripts as HEALOPS_STATE_DIR. */
export function scriptStateDir(home: string, key: CheckKey): string {
  const dir = join(
    home,
    'state',
    key.package.replace(SAFE_SEGMENT, '_'),
    key.target.replace(SAFE_SEGMENT, '_'),
  );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
