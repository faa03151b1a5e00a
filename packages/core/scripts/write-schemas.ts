/**
 * Writes the JSON schemas of healops.yaml, healops.config.yaml and the webhook body to <repo>/schemas/.
 * Run after changing packages/core/src/manifest/schema.ts or tickets/webhook-body.ts: npx tsx packages/core/scripts/write-schemas.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderJsonSchema, SCHEMA_FILES } from '../src/manifest/json-schema.js';

const schemasDir = new URL('../../../schemas/', import.meta.url);
mkdirSync(schemasDir, { recursive: true });
for (const { file, build } of SCHEMA_FILES) {
  const target = new URL(file, schemasDir);
  writeFileSync(target, renderJsonSchema(build()));
  console.log(`wrote ${target.pathname}`);
}
