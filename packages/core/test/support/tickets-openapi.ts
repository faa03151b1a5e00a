import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

/** Repository root (this file is packages/core/test/support/). */
const REPO = resolve(import.meta.dirname, '..', '..', '..', '..');
/** The official API documents live beside the clone: `<repo>/../shared/schemas`. */
export const SCHEMAS_DIR = resolve(REPO, '..', 'shared', 'schemas');

const PAGERDUTY_DOC = 'pagerduty-events-v2-openapiv3.json';
const JIRA_DOC = 'jira-cloud-platform-swagger-v3.v3.json';

function loadDocument(file: string): object {
  const path = resolve(SCHEMAS_DIR, file);
  if (!existsSync(path)) {
    throw new Error(
      `OpenAPI document ${file} not found at ${path}: the ticket tests validate every request body against the ` +
        'official OpenAPI documents, which must sit in ../shared/schemas beside the repository clone.',
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isAbsoluteUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * ajv-formats is not installed, so the formats these two documents use are defined here: the ones a request body
 * can carry (`url`, `uri`, `date-time`, `date`, `uuid`, `int32`, `int64`) are checked; the rest only annotate.
 */
function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('url', isAbsoluteUrl);
  ajv.addFormat('uri', isAbsoluteUrl);
  ajv.addFormat('date-time', (v: string) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', true);
  ajv.addFormat('binary', true);
  ajv.addSchema(loadDocument(PAGERDUTY_DOC), 'pagerduty');
  ajv.addSchema(loadDocument(JIRA_DOC), 'jira');
  return ajv;
}

const ajv = newAjv();

/** JSON pointer to an operation's application/json request body schema. */
function requestBodyRef(doc: string, path: string, method: string): string {
  const escaped = path.replaceAll('~', '~0').replaceAll('/', '~1');
  return `${doc}#/paths/${escaped}/${method}/requestBody/content/application~1json/schema`;
}

const validators = new Map<string, ValidateFunction>();

function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** The request operations HealOps sends, keyed for the tests. */
export const OPERATIONS = {
  pagerDutyEnqueue: requestBodyRef('pagerduty', '/enqueue', 'post'),
  jiraCreateIssue: requestBodyRef('jira', '/rest/api/3/issue', 'post'),
  jiraAddComment: requestBodyRef('jira', '/rest/api/3/issue/{issueIdOrKey}/comment', 'post'),
  jiraSearchJql: requestBodyRef('jira', '/rest/api/3/search/jql', 'post'),
  jiraTransition: requestBodyRef('jira', '/rest/api/3/issue/{issueIdOrKey}/transitions', 'post'),
} as const;

/** Everything the official schema says is wrong with `body` as the request body of `operation` ([] when valid). */
export function openApiProblems(operation: keyof typeof OPERATIONS, body: unknown): string[] {
  const validate = validatorFor(OPERATIONS[operation]);
  // Round-trip through JSON: the schema judges what goes on the wire, not the in-memory object.
  if (validate(JSON.parse(JSON.stringify(body)))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
