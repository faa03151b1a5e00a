import { posix } from 'node:path';

/**
 * Returns undefined when `script` is a safe path to a file inside the package, otherwise the reason.
 * Safe: relative, forward slashes only, no `..` that climbs out of the package folder, not the folder itself.
 */
export function scriptPathProblem(script: string): string | undefined {
  const quoted = JSON.stringify(script);
  if (script.trim() === '') {
    return 'script must not be empty';
  }
  if (script.includes('\0')) {
    return `script ${quoted} contains a NUL character`;
  }
  if (script.includes('\\')) {
    return `script ${quoted} contains a backslash; use forward slashes (checks/run.sh)`;
  }
  if (script.startsWith('/') || /^[A-Za-z]:/.test(script)) {
    return `script ${quoted} must be a path relative to the package folder, not an absolute path`;
  }
  const normalized = posix.normalize(script);
  if (normalized === '..' || normalized.startsWith('../')) {
    return `script ${quoted} leaves the package folder`;
  }
  if (normalized === '.' || normalized === './' || normalized.endsWith('/')) {
    return `script ${quoted} must name a file, not a folder`;
  }
  return undefined;
}

/** Absolute path of a package script: the package folder joined with the (validated) relative path. */
export function scriptAbsolutePath(packageDir: string, script: string): string {
  return posix.join(packageDir, script);
}
