import type { IncomingMessage, ServerResponse } from 'node:http';
import { adfProblems } from '../../../core/test/support/tickets-adf.js';
import { type OPERATIONS, openApiProblems } from '../../../core/test/support/tickets-openapi.js';

// The HTTP side of the loopback Jira (see jira-receiver.ts): requests as received, answers, Jira error bodies,
// request body validation against the OpenAPI document and ADF, and scripted failures.

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface ScriptedFailure {
  /** Requests it applies to (default: any). */
  readonly method?: string;
  /** Exact path, or a pattern tested against path and query (default: any). */
  readonly path?: string | RegExp;
  /** How many matching requests get this answer (default 1). */
  readonly times?: number;
  readonly status: number;
  /** Default: a Jira error body `{"errorMessages":["scripted failure"],"errors":{}}`. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jiraError(messages: readonly string[], errors: Record<string, string> = {}): string {
  return JSON.stringify({ errorMessages: messages, errors });
}

export function notFound(): Answer {
  return {
    status: 404,
    body: {
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    },
  };
}

/**
 * Validates a JSON body against the operation's schema (and the ADF document at `adfAt`, if any), adding what is
 * wrong to `problems`; an Answer when it must be refused.
 */
export function checkJsonBody(
  problems: string[],
  operation: keyof typeof OPERATIONS,
  request: ReceivedRequest,
  /** Where the body holds an ADF document; undefined there means none (an issue without a description). */
  adfAt?: (body: unknown) => unknown,
): { body: unknown } | { refuse: Answer } {
  const where = `${request.method} ${request.url}`;
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    problems.push(`${where}: Content-Type is "${type}", not application/json`);
    return { refuse: { status: 415, body: { errorMessages: ['Unsupported Media Type'], errors: {} } } };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    problems.push(`${where}: body is not JSON`);
    return {
      refuse: { status: 400, body: { errorMessages: ['Unexpected character in body'], errors: {} } },
    };
  }
  const found = [...openApiProblems(operation, body), ...adfProblemsAt(adfAt?.(body))];
  if (found.length > 0) {
    problems.push(...found.map((p) => `${where}: ${p}`));
    return { refuse: { status: 400, body: { errorMessages: found, errors: {} } } };
  }
  return { body };
}

function adfProblemsAt(doc: unknown): string[] {
  return doc === undefined ? [] : adfProblems(doc).map((p) => `ADF ${p}`);
}

export function matchesFailure(failure: ScriptedFailure, method: string, url: URL): boolean {
  if (failure.method !== undefined && failure.method !== method) return false;
  if (failure.path === undefined) return true;
  if (typeof failure.path === 'string') return failure.path === url.pathname;
  return failure.path.test(`${url.pathname}${url.search}`);
}

export function reply(res: ServerResponse, answer: Answer): void {
  const text =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  const type =
    answer.body === undefined
      ? {}
      : { 'content-type': isJson(text) ? 'application/json;charset=UTF-8' : 'text/plain;charset=UTF-8' };
  res.writeHead(answer.status, { ...type, ...answer.headers });
  res.end(text);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
