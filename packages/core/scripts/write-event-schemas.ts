/**
 * Writes the JSON schema of each HealOps event detail-type to <repo>/schemas/events/<slug>.schema.json.
 * Run after changing packages/core/src/events/: npx tsx packages/core/scripts/write-event-schemas.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { EVENT_SCHEMA_FILES } from '../src/events/json-schema.js';
import { renderJsonSchema } from '../src/manifest/json-schema.js';

const schemasDir = new URL('../../../schemas/', import.meta.url);
mkdirSync(new URL('events/', schemasDir), { recursive: true });
for (const { file, build } of EVENT_SCHEMA_FILES) {
  const target = new URL(file, schemasDir);
  writeFileSync(target, renderJsonSchema(build()));
  console.log(`wrote ${target.pathname}`);
}
