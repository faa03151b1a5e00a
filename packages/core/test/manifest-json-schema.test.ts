import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_SCHEMA_ID,
  configJsonSchema,
  PACKAGE_SCHEMA_ID,
  packageJsonSchema,
  renderJsonSchema,
  SCHEMA_FILES,
} from '../src/manifest/json-schema.js';

const schemasDir = new URL('../../../schemas/', import.meta.url);

/** Paths of JSON-Schema `default` keywords (a property *named* default, under `properties`, is not one). */
function defaultKeywords(node: unknown, path = '#', underProperties = false): string[] {
  if (typeof node !== 'object' || node === null) {
    return [];
  }
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === 'default' && !underProperties ? [`${path}/${key}`] : []),
    ...defaultKeywords(value, `${path}/${key}`, key === 'properties' && !underProperties),
  ]);
}

describe('committed JSON schemas', () => {
  it.each(SCHEMA_FILES.map(({ file, build }) => ({ file, build })))(
    'schemas/$file equals the schema generated from the zod schema (run packages/core/scripts/write-schemas.ts)',
    ({ file, build }) => {
      const committed = readFileSync(new URL(file, schemasDir), 'utf8');
      expect(committed).toBe(renderJsonSchema(build()));
    },
  );
});

describe('generated JSON schemas', () => {
  it('identify themselves and forbid unknown top-level keys', () => {
    for (const [schema, id] of [
      [packageJsonSchema(), PACKAGE_SCHEMA_ID],
      [configJsonSchema(), CONFIG_SCHEMA_ID],
    ] as const) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(id);
      expect(schema.title).toMatch(/^HealOps /);
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('describe the fields users write, without defaults filled in', () => {
    const schema = packageJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual([
      'name',
      'version',
      'description',
      'environment',
      'runbook',
      'platform',
      'params',
      'targets',
      'defaults',
      'checks',
      'stats',
    ]);
    expect(schema.required).toEqual(['name', 'version']);
    expect(defaultKeywords(schema)).toEqual([]);
    expect(defaultKeywords({ properties: { default: { default: 1 } } })).toEqual([
      '#/properties/default/default',
    ]);
  });

  it('carry the duration and schedule patterns for editors', () => {
    const text = JSON.stringify(packageJsonSchema());
    expect(text).toContain(JSON.stringify('^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?$'));
    expect(text).toContain(JSON.stringify('^(rate|cron)\\(.*\\)$'));
    expect(text).toContain('"oneOf":[{"required":["script"]},{"required":["command"]}]');
  });
});
