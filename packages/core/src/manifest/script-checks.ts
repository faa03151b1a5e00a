/**
 * File-level checks of the scripts a manifest references: present, a regular file, inside the package after
 * resolving symlinks, and executable unless the job runs on Windows only.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { PLATFORMS, type Platform } from '../model/status.js';
import { formatPath } from './diagnostics.js';
import type { IssuePath } from './manifest-rules.js';
import type { PackageFiles } from './package-files.js';
import { scriptPathProblem } from './script-path.js';
import type { Position } from './yaml-source.js';

export interface ScriptRef {
  readonly path: IssuePath;
  readonly script: string;
  readonly platform: Platform;
}

type Dict = Readonly<Record<string, unknown>>;

function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function platformOf(value: unknown, fallback: Platform): Platform {
  return PLATFORMS.find((p) => p === value) ?? fallback;
}

/** Every well-formed `script:` of a (possibly invalid) manifest document, with the job's effective platform. */
export function scriptRefs(document: unknown): ScriptRef[] {
  const manifest = asDict(document);
  if (!manifest) {
    return [];
  }
  const packagePlatform = platformOf(manifest.platform, 'any');
  const refs: ScriptRef[] = [];
  const add = (owner: Dict | undefined, path: IssuePath, platform: Platform): void => {
    const script = owner?.script;
    if (typeof script === 'string' && scriptPathProblem(script) === undefined) {
      refs.push({ path: [...path, 'script'], script, platform });
    }
  };
  for (const section of ['checks', 'stats'] as const) {
    const jobs = manifest[section];
    if (!Array.isArray(jobs)) {
      continue;
    }
    jobs.forEach((item: unknown, index) => {
      const job = asDict(item);
      const platform = platformOf(job?.platform, packagePlatform);
      add(job, [section, index], platform);
      add(asDict(job?.repair), [section, index, 'repair'], platform);
    });
  }
  return refs;
}

function isInside(dir: string, path: string): boolean {
  return path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

async function scriptProblem(ref: ScriptRef, dir: string, files: PackageFiles): Promise<string | undefined> {
  const quoted = JSON.stringify(ref.script);
  const info = await files.stat(posix.join(dir, ref.script));
  if (!info) {
    return `script ${quoted} not found in the package`;
  }
  if (info.kind !== 'file') {
    return `script ${quoted} is not a regular file (it is ${info.kind === 'directory' ? 'a folder' : 'a special file'})`;
  }
  if (!isInside(dir, info.realPath)) {
    return `script ${quoted} resolves to ${JSON.stringify(info.realPath)}, outside the package folder (symlink)`;
  }
  if (!info.executable && ref.platform !== 'windows') {
    return `script ${quoted} is not executable (chmod +x ${ref.script}); only platform: windows scripts may skip this`;
  }
  return undefined;
}

/** Diagnostics for every script reference that fails a file check; `dir` is the package's real path. */
export async function checkScripts(
  refs: readonly ScriptRef[],
  dir: string,
  files: PackageFiles,
  file: string,
  positionOf: (path: IssuePath) => Position,
): Promise<Diagnostic[]> {
  const problems = await Promise.all(refs.map((ref) => scriptProblem(ref, dir, files)));
  const diagnostics: Diagnostic[] = [];
  refs.forEach((ref, i) => {
    const message = problems[i];
    if (message !== undefined) {
      diagnostics.push({ file, ...positionOf(ref.path), path: formatPath(ref.path), message });
    }
  });
  return diagnostics;
}
