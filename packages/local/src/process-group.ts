/**
 * Sends `signal` to every process in the group led by `pgid` (children are spawned detached, so each run has
 * its own group). A group that is already gone, or that we may not signal, is not an error.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: every member already exited. EPERM: members changed identity (setuid); nothing more we can do.
  }
}
