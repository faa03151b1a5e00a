const ERRNO_HINTS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied (not executable, or not a regular file)',
  ENOEXEC: 'exec format error (no #! line and not a binary)',
  ENOTDIR: 'a path component is not a directory',
  E2BIG: 'argument list too long',
  EAGAIN: 'resource temporarily unavailable (process limit?)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
};

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** A one-line reason why `command` could not be started, naming the command and the errno. */
export function describeSpawnError(command: string, error: unknown, cwd: string | undefined): string {
  const code = errnoCode(error);
  const where = cwd === undefined ? '' : ` (cwd ${cwd})`;
  if (code === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return `cannot start ${command}${where}: ${message}`;
  }
  const hint = ERRNO_HINTS[code];
  return `cannot start ${command}${where}: ${code}${hint === undefined ? '' : ` ${hint}`}`;
}
