import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { adfProblems } from '../../../core/test/support/tickets-adf.js';
import { type OPERATIONS, openApiProblems } from '../../../core/test/support/tickets-openapi.js';

// A small Jira Cloud (REST v3) on a loopback port, for the ticket transport's tests: issues `<PROJECT>-<n>` with
// labels, a status (To Do / In Progress / Done and their status categories), comments and workflow transitions;
// `search/jql` for the one JQL shape HealOps sends, with an optional search lag (Jira's index is eventually
// consistent); basic auth; scripted failures. Every request body is validated against Atlassian's OpenAPI document
// (and descriptions and comments against the ADF structure, which that document leaves untyped): violations go to
// `problems` (tests assert it stays empty) and are answered 400, as Jira would.

export const JIRA_STATUSES = {
  'To Do': { id: '10000', category: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' } },
  'In Progress': {
    id: '3',
    category: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  },
  Done: { id: '10001', category: { id: 3, key: 'done', name: 'Done', colorName: 'green' } },
} as const;
export type JiraStatusName = keyof typeof JIRA_STATUSES;

export interface ReceiverTransition {
  readonly id: string;
  readonly name: string;
  /** The status the transition leads to. */
  readonly to: JiraStatusName;
}

export const DEFAULT_TRANSITIONS: readonly ReceiverTransition[] = [
  { id: '11', name: 'Start', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
];

export interface ReceiverComment {
  readonly id: string;
  /** The ADF document as sent. */
  readonly body: unknown;
  readonly created: string;
}

export interface ReceiverIssue {
  readonly id: string;
  readonly key: string;
  /** The `fields` of the create request as sent. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly labels: readonly string[];
  status: JiraStatusName;
  readonly comments: ReceiverComment[];
  /** Transition ids applied, in order. */
  readonly transitions: string[];
  readonly created: string;
  /** Searches answered before this issue was created (for the search lag). */
  readonly searchesAtCreate: number;
  readonly createdMs: number;
}

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

export interface JiraReceiverOptions {
  /** Project key of the site (default `OPS`); creating issues in another project is refused like Jira does. */
  readonly project?: string;
  readonly email: string;
  readonly apiToken: string;
  /** Workflow transitions offered from every status but their own target (default Start, Done). */
  readonly transitions?: readonly ReceiverTransition[];
  /** New issues stay out of search results for this many searches and/or milliseconds after creation. */
  readonly searchLag?: { readonly searches?: number; readonly ms?: number };
}

export interface JiraReceiver {
  readonly url: string;
  readonly issues: ReceiverIssue[];
  readonly requests: ReceivedRequest[];
  /** Request bodies the official schema (or Jira) would refuse, and requests nothing here answers. */
  readonly problems: string[];
  /** The next matching request(s) get this answer instead of Jira's. */
  failNext(failure: ScriptedFailure): void;
  /** Adds an issue as if a human (or an earlier run) had created it. */
  addIssue(labels: readonly string[], status?: JiraStatusName): ReceiverIssue;
  issue(key: string): ReceiverIssue | undefined;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const ISSUE_PATH = /^\/rest\/api\/3\/issue\/([^/]+)$/;
const COMMENT_PATH = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/;
const TRANSITIONS_PATH = /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/;

/** JQL string literal as jqlString writes it. */
const JQL_LITERAL = String.raw`"((?:[^"\\]|\\.)*)"`;
const OPEN_ISSUE_JQL = new RegExp(
  `^project = ${JQL_LITERAL} AND labels = ${JQL_LITERAL} AND statusCategory != Done ORDER BY created ASC$`,
);

export function jiraError(messages: readonly string[], errors: Record<string, string> = {}): string {
  return JSON.stringify({ errorMessages: messages, errors });
}

export async function startJiraReceiver(options: JiraReceiverOptions): Promise<JiraReceiver> {
  const project = options.project ?? 'OPS';
  const transitions = options.transitions ?? DEFAULT_TRANSITIONS;
  const expectedAuth = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const issues: ReceiverIssue[] = [];
  const requests: ReceivedRequest[] = [];
  const problems: string[] = [];
  const failures: Array<{ failure: ScriptedFailure; left: number }> = [];
  let searches = 0;
  let nextId = 10000;
  let nextComment = 20000;
  let base = '';

  const issue = (key: string): ReceiverIssue | undefined => issues.find((i) => i.key === key || i.id === key);

  const addIssue = (labels: readonly string[], status: JiraStatusName = 'To Do'): ReceiverIssue => {
    const id = String(nextId++);
    const created: ReceiverIssue = {
      id,
      key: `${project}-${issues.length + 1}`,
      fields: {},
      labels: [...labels],
      status,
      comments: [],
      transitions: [],
      created: new Date().toISOString(),
      searchesAtCreate: searches,
      createdMs: Date.now(),
    };
    issues.push(created);
    return created;
  };

  const notFound = (): Answer => ({
    status: 404,
    body: {
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    },
  });

  const statusJson = (name: JiraStatusName): object => {
    const status = JIRA_STATUSES[name];
    return {
      self: `${base}/rest/api/3/status/${status.id}`,
      id: status.id,
      name,
      statusCategory: { self: `${base}/rest/api/3/statuscategory/${status.category.id}`, ...status.category },
    };
  };

  const issueJson = (found: ReceiverIssue, fields: readonly string[]): object => {
    const all: Record<string, unknown> = {
      summary: found.fields.summary ?? '',
      status: statusJson(found.status),
      labels: found.labels,
      created: found.created,
    };
    const picked = Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name)));
    return { id: found.id, key: found.key, self: `${base}/rest/api/3/issue/${found.id}`, fields: picked };
  };

  const offered = (found: ReceiverIssue): readonly ReceiverTransition[] =>
    transitions.filter((t) => t.to !== found.status);

  /** Validates a JSON body against the operation's schema; an Answer when it must be refused. */
  const checkBody = (
    operation: keyof typeof OPERATIONS,
    request: ReceivedRequest,
    /** Where the body holds an ADF document; undefined there means none (an issue without a description). */
    adfAt?: (body: unknown) => unknown,
  ): { body: unknown } | { refuse: Answer } => {
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
  };

  const createIssue = (request: ReceivedRequest): Answer => {
    const checked = checkBody(
      'jiraCreateIssue',
      request,
      (body) => (body as { fields?: { description?: unknown } }).fields?.description,
    );
    if ('refuse' in checked) return checked.refuse;
    const fields = (checked.body as { fields?: Record<string, unknown> }).fields ?? {};
    const projectKey = (fields.project as { key?: unknown } | undefined)?.key;
    if (projectKey !== project) {
      return { status: 400, body: { errorMessages: [], errors: { project: 'valid project is required' } } };
    }
    const labels = Array.isArray(fields.labels) ? fields.labels.filter((l) => typeof l === 'string') : [];
    const bad = labels.find((l) => /\s/.test(l) || l.length > 255);
    if (bad !== undefined) {
      problems.push(`${request.method} ${request.url}: label "${bad}" has whitespace or is too long`);
      return {
        status: 400,
        body: { errorMessages: [], errors: { labels: 'The label must not contain spaces.' } },
      };
    }
    const created = addIssue(labels);
    Object.assign(created.fields as Record<string, unknown>, fields);
    return {
      status: 201,
      body: { id: created.id, key: created.key, self: `${base}/rest/api/3/issue/${created.id}` },
    };
  };

  const search = (request: ReceivedRequest): Answer => {
    const checked = checkBody('jiraSearchJql', request);
    if ('refuse' in checked) return checked.refuse;
    const body = checked.body as { jql?: string; fields?: string[]; maxResults?: number };
    searches++;
    const match = OPEN_ISSUE_JQL.exec(body.jql ?? '');
    if (match === null) {
      problems.push(`${request.method} ${request.url}: JQL this receiver does not understand: ${body.jql}`);
      return { status: 400, body: { errorMessages: [`Error in the JQL Query: ${body.jql}`], errors: {} } };
    }
    const [wantedProject, label] = [unescapeJql(match[1] ?? ''), unescapeJql(match[2] ?? '')];
    const lag = options.searchLag;
    const visible = (i: ReceiverIssue): boolean =>
      searches - i.searchesAtCreate > (lag?.searches ?? 0) && Date.now() - i.createdMs >= (lag?.ms ?? 0);
    const hits = issues
      .filter((i) => i.key.startsWith(`${wantedProject}-`) && i.labels.includes(label))
      .filter((i) => JIRA_STATUSES[i.status].category.key !== 'done' && visible(i))
      .sort((a, b) => a.createdMs - b.createdMs || Number(a.id) - Number(b.id))
      .slice(0, body.maxResults ?? 50);
    const fields = body.fields ?? [];
    return { status: 200, body: { issues: hits.map((i) => issueJson(i, fields)), isLast: true } };
  };

  const route = (request: ReceivedRequest, path: string, query: URLSearchParams): Answer => {
    const { method } = request;
    if (method === 'POST' && path === '/rest/api/3/issue') return createIssue(request);
    if (method === 'POST' && path === '/rest/api/3/search/jql') return search(request);
    const issuePath = ISSUE_PATH.exec(path);
    if (method === 'GET' && issuePath) {
      const found = issue(decodeURIComponent(issuePath[1] ?? ''));
      if (found === undefined) return notFound();
      const fields = (query.get('fields') ?? 'summary,status,labels,created').split(',');
      return { status: 200, body: issueJson(found, fields) };
    }
    const commentPath = COMMENT_PATH.exec(path);
    if (method === 'POST' && commentPath) {
      const found = issue(decodeURIComponent(commentPath[1] ?? ''));
      if (found === undefined) return notFound();
      const checked = checkBody(
        'jiraAddComment',
        request,
        (body) => (body as { body?: unknown }).body ?? null,
      );
      if ('refuse' in checked) return checked.refuse;
      const comment: ReceiverComment = {
        id: String(nextComment++),
        body: (checked.body as { body?: unknown }).body,
        created: new Date().toISOString(),
      };
      found.comments.push(comment);
      return {
        status: 201,
        body: { ...comment, self: `${base}/rest/api/3/issue/${found.id}/comment/${comment.id}` },
      };
    }
    const transitionsPath = TRANSITIONS_PATH.exec(path);
    if (transitionsPath) {
      const found = issue(decodeURIComponent(transitionsPath[1] ?? ''));
      if (method === 'GET') {
        if (found === undefined) return notFound();
        return {
          status: 200,
          body: {
            transitions: offered(found).map((t) => ({
              id: t.id,
              name: t.name,
              to: statusJson(t.to),
              hasScreen: false,
              isGlobal: true,
              isInitial: false,
              isAvailable: true,
              isConditional: false,
              looped: false,
            })),
          },
        };
      }
      if (method === 'POST') {
        if (found === undefined) return notFound();
        const checked = checkBody('jiraTransition', request);
        if ('refuse' in checked) return checked.refuse;
        const id = (checked.body as { transition?: { id?: string } }).transition?.id;
        const transition = offered(found).find((t) => t.id === id);
        if (transition === undefined) {
          return {
            status: 400,
            body: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} },
          };
        }
        found.status = transition.to;
        found.transitions.push(transition.id);
        return { status: 204 };
      }
    }
    problems.push(`${method} ${request.url}: no such Jira endpoint here`);
    return { status: 404, body: { errorMessages: ['Not found'], errors: {} } };
  };

  const answer = (request: ReceivedRequest): Answer => {
    const url = new URL(request.url, 'http://receiver');
    const scripted = failures.find(({ failure }) => matches(failure, request.method, url));
    if (scripted) {
      scripted.left--;
      if (scripted.left <= 0) failures.splice(failures.indexOf(scripted), 1);
      const { failure } = scripted;
      return {
        status: failure.status,
        body: failure.body ?? jiraError(['scripted failure']),
        ...(failure.headers ? { headers: failure.headers } : {}),
      };
    }
    if (request.headers.authorization !== expectedAuth) {
      return { status: 401, body: 'Client must be authenticated to access this resource.' };
    }
    if (request.method === 'GET' && request.body !== '') {
      problems.push(`${request.method} ${request.url}: a GET with a body`);
    }
    return route(request, url.pathname, url.searchParams);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      reply(res, answer(request));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Jira receiver has no port');
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    issues,
    requests,
    problems,
    failNext(failure) {
      failures.push({ failure, left: failure.times ?? 1 });
    },
    addIssue,
    issue,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function adfProblemsAt(doc: unknown): string[] {
  return doc === undefined ? [] : adfProblems(doc).map((p) => `ADF ${p}`);
}

function matches(failure: ScriptedFailure, method: string, url: URL): boolean {
  if (failure.method !== undefined && failure.method !== method) return false;
  if (failure.path === undefined) return true;
  if (typeof failure.path === 'string') return failure.path === url.pathname;
  return failure.path.test(`${url.pathname}${url.search}`);
}

function reply(res: ServerResponse, answer: Answer): void {
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

const JQL_UNESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

function unescapeJql(literal: string): string {
  return literal.replace(/\\(.)/g, (_, c: string) => JQL_UNESCAPES[c] ?? c);
}
