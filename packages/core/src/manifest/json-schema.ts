import { z } from 'zod';
import { webhookBodySchema } from '../tickets/webhook-body.js';
import { configSchema, packageManifestSchema } from './schema.js';

export const PACKAGE_SCHEMA_ID = 'urn:healops:schema:package';
export const CONFIG_SCHEMA_ID = 'urn:healops:schema:config';
export const WEBHOOK_SCHEMA_ID = 'urn:healops:schema:webhook-v1';

type JsonSchema = Record<string, unknown>;

/**
 * `io: 'input'` describes what a user may write (defaults not yet applied); `'output'` what HealOps produces (a body
 * it sends).
 */
function toJsonSchema(schema: z.ZodType, id: string, io: 'input' | 'output' = 'input'): JsonSchema {
  // Refinements (durations, schedules, cross-field rules) are not representable; the patterns and descriptions
  // attached to the fields carry what an editor can check.
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  const { $schema, title, ...rest } = generated;
  return { $schema, $id: id, title, ...rest };
}

/** JSON Schema (draft 2020-12) of healops.yaml, generated from packageManifestSchema. */
export function packageJsonSchema(): JsonSchema {
  return toJsonSchema(packageManifestSchema, PACKAGE_SCHEMA_ID);
}

/** JSON Schema (draft 2020-12) of healops.config.yaml, generated from configSchema. */
export function configJsonSchema(): JsonSchema {
  return toJsonSchema(configSchema, CONFIG_SCHEMA_ID);
}

/** JSON Schema (draft 2020-12) of the signed webhook's body, version 1, generated from webhookBodySchema. */
export function webhookJsonSchema(): JsonSchema {
  return toJsonSchema(webhookBodySchema, WEBHOOK_SCHEMA_ID, 'output');
}

/** The committed schema files (in the repository's schemas/ folder) and how to build each. */
export const SCHEMA_FILES = [
  { file: 'healops-package.schema.json', build: packageJsonSchema },
  { file: 'healops-config.schema.json', build: configJsonSchema },
  { file: 'healops-webhook-v1.schema.json', build: webhookJsonSchema },
] as const;

/** File text of a schema: two-space JSON with a final newline. */
export function renderJsonSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
