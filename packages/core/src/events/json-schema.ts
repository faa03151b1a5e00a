import { z } from 'zod';
import { detailTypeSlug, HEALOPS_DETAIL_TYPE_LIST, type HealOpsDetailType } from './detail-types.js';
import { HEALOPS_DETAIL_SCHEMAS } from './healops-event.js';

type JsonSchema = Record<string, unknown>;

/** `$id` of the JSON Schema of a detail-type's detail, e.g. `urn:healops:schema:event:check-failed-v1`. */
export function eventSchemaId(detailType: HealOpsDetailType): string {
  return `urn:healops:schema:event:${detailTypeSlug(detailType)}-v1`;
}

/** JSON Schema (draft 2020-12) of the `detail` of `detailType`, generated from its zod schema. */
export function eventDetailJsonSchema(detailType: HealOpsDetailType): JsonSchema {
  const generated = z.toJSONSchema(HEALOPS_DETAIL_SCHEMAS[detailType], {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  });
  const { $schema, title, ...rest } = generated;
  return { $schema, $id: eventSchemaId(detailType), title, ...rest };
}

/**
 * The committed event schema files (paths relative to the repository's schemas/ folder), one per detail-type. Write
 * them with `npx tsx packages/core/scripts/write-event-schemas.ts`; a test keeps them in step with the zod schemas.
 */
export const EVENT_SCHEMA_FILES: ReadonlyArray<{
  readonly file: string;
  readonly detailType: HealOpsDetailType;
  readonly build: () => JsonSchema;
}> = HEALOPS_DETAIL_TYPE_LIST.map((detailType) => ({
  file: `events/${detailTypeSlug(detailType)}.schema.json`,
  detailType,
  build: () => eventDetailJsonSchema(detailType),
}));
