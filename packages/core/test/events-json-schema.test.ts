import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { HEALOPS_DETAIL_TYPE_LIST, HEALOPS_EVENT_SOURCE } from '../src/events/detail-types.js';
import { putEventsEntrySize } from '../src/events/entry-size.js';
import { EVENT_SCHEMA_FILES, eventDetailJsonSchema, eventSchemaId } from '../src/events/json-schema.js';
import { EVENT_LIMITS } from '../src/events/limits.js';
import { renderJsonSchema } from '../src/manifest/json-schema.js';
import { continueEvent, sampleEvents } from './support/event-fixtures.js';

const schemasDir = new URL('../../../schemas/', import.meta.url);

function committed(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, schemasDir), 'utf8')) as Record<string, unknown>;
}

type Node = Record<string, unknown>;

/** Paths of strings without maxLength and arrays without maxItems. */
function unbounded(node: unknown, path = '#'): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const schema = node as Node;
  const own: string[] = [];
  if (
    schema.type === 'string' &&
    schema.maxLength === undefined &&
    schema.enum === undefined &&
    schema.const === undefined
  )
    own.push(`${path}: string without maxLength`);
  if (schema.type === 'array' && schema.maxItems === undefined) own.push(`${path}: array without maxItems`);
  return [...own, ...Object.entries(schema).flatMap(([key, value]) => unbounded(value, `${path}/${key}`))];
}

/**
 * The largest JSON text (in UTF-8 bytes) a schema allows when every string holds `bytesPerChar` bytes per character
 * (6 = characters JSON writes as `\u00XX`, 1 = ASCII) and every optional field is present.
 */
function largest(node: unknown, bytesPerChar: number): number {
  const schema = node as Node;
  if (schema.$ref !== undefined) throw new Error('unexpected $ref');
  if (Array.isArray(schema.anyOf)) return Math.max(...schema.anyOf.map((s) => largest(s, bytesPerChar)));
  if (schema.const !== undefined) return JSON.stringify(schema.const).length;
  if (Array.isArray(schema.enum)) return Math.max(...schema.enum.map((v) => JSON.stringify(v).length));
  if (Array.isArray(schema.type))
    return Math.max(...schema.type.map((type: unknown) => largest({ ...schema, type }, bytesPerChar)));
  switch (schema.type) {
    case 'string':
      return 2 + (schema.maxLength as number) * bytesPerChar;
    case 'number':
    case 'integer':
      return 24;
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'array':
      return 2 + (schema.maxItems as number) * (1 + largest(schema.items, bytesPerChar));
    case 'object':
      return (
        2 +
        Object.entries(schema.properties as Node).reduce(
          (sum, [key, value]) => sum + key.length + 4 + largest(value, bytesPerChar),
          0,
        )
      );
    default:
      throw new Error(`unexpected schema ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

const ajv = new Ajv2020({ allErrors: true });
ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
const validators = new Map(
  EVENT_SCHEMA_FILES.map(({ file, detailType }) => [detailType as string, ajv.compile(committed(file))]),
);

describe('committed event schemas', () => {
  it('are one file per detail-type under schemas/events/', () => {
    expect(EVENT_SCHEMA_FILES.map((f) => f.file)).toEqual([
      'events/check-failed.schema.json',
      'events/repair-succeeded.schema.json',
      'events/repair-failed.schema.json',
      'events/escalated.schema.json',
      'events/recovered.schema.json',
      'events/check-continue.schema.json',
    ]);
    expect(EVENT_SCHEMA_FILES.map((f) => f.detailType)).toEqual(HEALOPS_DETAIL_TYPE_LIST);
  });

  it.each(EVENT_SCHEMA_FILES.map(({ file, build }) => ({ file, build })))(
    'schemas/$file equals the schema generated from the zod schema (run packages/core/scripts/write-event-schemas.ts)',
    ({ file, build }) => {
      expect(readFileSync(new URL(file, schemasDir), 'utf8')).toBe(renderJsonSchema(build()));
    },
  );

  it('identify themselves and forbid unknown fields', () => {
    for (const detailType of HEALOPS_DETAIL_TYPE_LIST) {
      const schema = eventDetailJsonSchema(detailType);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(eventSchemaId(detailType));
      expect(schema.title).toBe(`${detailType} event detail, version 1`);
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('accept every event the builders make, and refuse one with a field too many or too long', () => {
    for (let i = 0; i < 3; i += 1) {
      for (const event of [...sampleEvents(i), continueEvent(i)]) {
        const validate = validators.get(event.detailType);
        if (validate === undefined) throw new Error(`no schema for ${event.detailType}`);
        const detail: unknown = JSON.parse(JSON.stringify(event.detail));
        expect(validate(detail), JSON.stringify(validate.errors)).toBe(true);
        expect(validate({ ...event.detail, surprise: true })).toBe(false);
        expect(validate({ ...event.detail, package: 'p'.repeat(EVENT_LIMITS.identifier + 1) })).toBe(false);
      }
    }
  });
});

describe('event bounds', () => {
  it('bound every string and every list of every detail-type', () => {
    expect(HEALOPS_DETAIL_TYPE_LIST.flatMap((t) => unbounded(eventDetailJsonSchema(t)))).toEqual([]);
    expect(
      unbounded({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'array' } } }),
    ).toEqual(['#/properties/a: string without maxLength', '#/properties/b: array without maxItems']);
  });

  it.each(HEALOPS_DETAIL_TYPE_LIST.map((detailType) => ({ detailType })))(
    'size the largest $detailType detail to fit a PutEvents request on its own, and ordinary text well under it',
    ({ detailType }) => {
      const schema = eventDetailJsonSchema(detailType);
      const envelope = putEventsEntrySize({
        Source: HEALOPS_EVENT_SOURCE,
        DetailType: detailType,
        Time: new Date(),
      });
      expect(envelope + largest(schema, 6)).toBeLessThan(EVENT_LIMITS.requestBytes);
      expect(largest(schema, 1)).toBeLessThan(64 * 1024);
    },
  );

  it('measures the worst case from the schema (a string of escaped characters costs 6 bytes each)', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', maxLength: 3 } } };
    const worst = { s: '\u0001\u0002\u0003' };
    const bytes = new TextEncoder().encode(JSON.stringify(worst)).length;
    expect(bytes).toBe(26);
    // one byte over: the estimate counts a comma after every field
    expect(largest(schema, 6)).toBe(bytes + 1);
  });
});
