import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** The shape emf-schema.json guarantees, for the checks JSON Schema cannot express. */
interface EmfShape {
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string }>;
    }>;
  };
  readonly [member: string]: unknown;
}

/** CloudWatch Logs events (and so EMF documents) were limited to 256 KB; the limit is 1 MB now. Stay under both. */
export const EMF_MAX_DOCUMENT_BYTES = 256 * 1024;

const schema: unknown = JSON.parse(readFileSync(new URL('./emf-schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const validateShape = ajv.compile<EmfShape>(schema as object);

/**
 * Everything wrong with `document` as an EMF document: the schema, then the target members (every dimension key
 * names a root member holding a string of 1..1024 characters; every metric name names a root member holding a
 * number or at most 100 numbers; no metric defined twice in a directive), then the size.
 */
export function emfProblems(document: unknown): string[] {
  if (!validateShape(document)) {
    return (validateShape.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
  const problems: string[] = [];
  for (const directive of document._aws.CloudWatchMetrics) {
    const names = new Set<string>();
    for (const { Name } of directive.Metrics) {
      if (names.has(Name)) problems.push(`metric ${Name} is defined twice`);
      names.add(Name);
      const target = document[Name];
      const numeric =
        isFiniteNumber(target) ||
        (Array.isArray(target) && target.length <= 100 && target.every(isFiniteNumber));
      if (!numeric) problems.push(`metric target ${Name} is not a number or an array of at most 100 numbers`);
    }
    for (const set of directive.Dimensions) {
      for (const key of set) {
        const target = document[key];
        if (typeof target !== 'string' || target.length < 1 || target.length > 1024) {
          problems.push(`dimension target ${key} is not a string of 1 to 1024 characters`);
        }
      }
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (bytes > EMF_MAX_DOCUMENT_BYTES) problems.push(`document is ${bytes} bytes`);
  return problems;
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}
