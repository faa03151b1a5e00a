import { posix } from 'node:path';
import { type Diagnostic, ManifestError } from '../errors.js';
import { sortDiagnostics } from './diagnostics.js';
import type { PackageFiles } from './package-files.js';
import { MANIFEST_FILE, parseManifest } from './parse-manifest.js';
import type { PackageManifest } from './schema.js';
import { checkScripts, scriptRefs } from './script-checks.js';

export interface LoadedPackage {
  readonly manifest: PackageManifest;
  /** Absolute folder of the package, symlinks resolved. */
  readonly dir: string;
  /** Absolute path of its healops.yaml. */
  readonly manifestPath: string;
}

export function fileProblem(file: string, message: string, cause?: unknown): ManifestError {
  return new ManifestError([{ file, line: 0, col: 0, path: '', message }], { cause });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads a text file through the port; a failure becomes a ManifestError naming the file. */
export async function readTextFile(path: string, files: PackageFiles, what: string): Promise<string> {
  try {
    return await files.readText(path);
  } catch (error) {
    throw fileProblem(path, `cannot read ${what}: ${describe(error)}`, error);
  }
}

/**
 * Loads the package in `dir`: parses and validates healops.yaml and checks every script it references.
 * Throws ManifestError carrying every problem found (schema and files together).
 */
export async function loadPackage(dir: string, files: PackageFiles): Promise<LoadedPackage> {
  const folder = await files.stat(dir);
  if (!folder) {
    throw fileProblem(dir, 'package folder not found');
  }
  if (folder.kind !== 'directory') {
    throw fileProblem(dir, `not a package folder (a package is a folder holding ${MANIFEST_FILE})`);
  }
  const realDir = folder.realPath;
  const manifestPath = posix.join(realDir, MANIFEST_FILE);
  const manifestInfo = await files.stat(manifestPath);
  if (manifestInfo?.kind !== 'file') {
    throw fileProblem(manifestPath, `no ${MANIFEST_FILE} in ${dir}`);
  }
  const text = await readTextFile(manifestPath, files, MANIFEST_FILE);
  const parsed = parseManifest(text, manifestPath);
  const fileDiagnostics = await checkScripts(
    scriptRefs(parsed.data),
    realDir,
    files,
    manifestPath,
    parsed.positionOf,
  );
  const diagnostics: Diagnostic[] = sortDiagnostics([...parsed.diagnostics, ...fileDiagnostics]);
  if (diagnostics.length > 0 || !parsed.value) {
    throw new ManifestError(diagnostics);
  }
  return { manifest: parsed.value, dir: realDir, manifestPath };
}
