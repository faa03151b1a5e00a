import { hostname } from 'node:os';

const PREFIX = 'local';

/** How this process signs repair leases: `local:<host>:<pid>`. */
export function localLeaseOwner(pid: number = process.pid, host: string = hostname()): string {
  return `${PREFIX}:${host}:${pid}`;
}

/**
 * A lease owner on this host whose process no longer exists is gone (a run killed mid-repair), so its lease can be
 * broken at once instead of waiting for it to expire. Owners elsewhere are never judged from here.
 */
export function isLocalOwnerGone(owner: string, host: string = hostname()): boolean {
  const match = /^local:(.+):(\d+)$/.exec(owner);
  if (!match || match[1] !== host) return false;
  try {
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
