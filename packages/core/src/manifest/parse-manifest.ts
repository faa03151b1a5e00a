import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { validateSource } from './diagnostics.js';
import type { IssuePath } from './manifest-rules.js';
import { configSchema, type HealOpsConfig, type PackageManifest, packageManifestSchema } from './schema.js';
import { type Position, readYaml } from './yaml-source.js';

export const MANIFEST_FILE = 'healops.yaml';
export const CONFIG_FILE = 'healops.config.yaml';

export interface ParseResult<T> {
  /** Set only when there are no diagnostics. */
  readonly value?: T;
  /** The YAML data before validation (undefined when the YAML itself is unusable), for follow-up checks. */
  readonly data: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /** Line and column of a node of the file (of the nearest existing ancestor when the path is absent). */
  readonly positionOf: (path: IssuePath) => Position;
}

function parseWith<T>(schema: z.ZodType<T>, text: string, file: string, what: string): ParseResult<T> {
  const source = readYaml(text, file, what);
  const positionOf = (path: IssuePath): Position => source.position(path, 'value');
  if (source.diagnostics.length > 0) {
    return { data: source.data, diagnostics: source.diagnostics, positionOf };
  }
  return { ...validateSource(schema, source), data: source.data, positionOf };
}

/** Parses and validates a healops.yaml; reports every problem with its position. `file` names it in diagnostics. */
export function parseManifest(text: string, file: string): ParseResult<PackageManifest> {
  return parseWith(packageManifestSchema, text, file, MANIFEST_FILE);
}

/** Parses and validates a healops.config.yaml; reports every problem with its position. */
export function parseConfig(text: string, file: string): ParseResult<HealOpsConfig> {
  return parseWith(configSchema, text, file, CONFIG_FILE);
}
