import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import {
  type Answer,
  checkJsonBody,
  jiraError,
  matchesFailure,
  notFound,
  type ReceivedRequest,
  reply,
  type ScriptedFailure,
} from './jira-http.js';
import {
  DEFAULT_TRANSITIONS,
  issueJson,
  type JiraStatusName,
  type ReceiverComment,
  type ReceiverIssue,
  type ReceiverTransition,
  transitionJson,
} from './jira-issue-model.js';
import { findOpenIssues, parseOpenIssueJql, type SearchLag } from './jira-jql.js';

// A small Jira Cloud (REST v3) on a loopback port, for the ticket transport's tests: issues `<PROJECT>-<n>` with
// labels, a status (To Do / In Progress / Done and their status categories), comments and workflow transitions;
// `search/jql` for the one JQL shape HealOps sends, with an optional search lag (Jira's index is eventually
// consistent); basic auth; scripted failures. Every request body is validated against Atlassian's OpenAPI document
// (and descriptions and comments against the ADF structure, which that document leaves untyped): violations go to
// `problems` (tests assert it stays empty) and are answered 400, as Jira would. This file routes the requests;
// jira-issue-model.ts holds the issues, jira-jql.ts evaluates searches, jira-http.ts the wire.

export { jiraError, type ReceivedRequest, type ScriptedFailure } from './jira-http.js';
export {
  DEFAULT_TRANSITIONS,
  JIRA_STATUSES,
  type JiraStatusName,
  type ReceiverComment,
  type ReceiverIssue,
  type ReceiverTransition,
} from './jira-issue-model.js';

export interface JiraReceiverOptions {
  /** Project key of the site (default `OPS`); creating issues in another project is refused like Jira does. */
  readonly project?: string;
  readonly email: string;
  readonly apiToken: string;
  /** Workflow transitions offered from every status but their own target (default Start, Done). */
  readonly transitions?: readonly ReceiverTransition[];
  /** New issues stay out of search results for this many searches and/or milliseconds after creation. */
  readonly searchLag?: SearchLag;
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

const ISSUE_PATH = /^\/rest\/api\/3\/issue\/([^/]+)$/;
const COMMENT_PATH = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/;
const TRANSITIONS_PATH = /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/;

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

  const offered = (found: ReceiverIssue): readonly ReceiverTransition[] =>
    transitions.filter((t) => t.to !== found.status);

  const createIssue = (request: ReceivedRequest): Answer => {
    const checked = checkJsonBody(
      problems,
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
    const checked = checkJsonBody(problems, 'jiraSearchJql', request);
    if ('refuse' in checked) return checked.refuse;
    const body = checked.body as { jql?: string; fields?: string[]; maxResults?: number };
    searches++;
    const query = parseOpenIssueJql(body.jql ?? '');
    if (query === undefined) {
      problems.push(`${request.method} ${request.url}: JQL this receiver does not understand: ${body.jql}`);
      return { status: 400, body: { errorMessages: [`Error in the JQL Query: ${body.jql}`], errors: {} } };
    }
    const hits = findOpenIssues(issues, query, searches, options.searchLag, body.maxResults ?? 50);
    const fields = body.fields ?? [];
    return { status: 200, body: { issues: hits.map((i) => issueJson(base, i, fields)), isLast: true } };
  };

  const addComment = (request: ReceivedRequest, found: ReceiverIssue): Answer => {
    const checked = checkJsonBody(
      problems,
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
  };

  const transition = (request: ReceivedRequest, found: ReceiverIssue): Answer => {
    const checked = checkJsonBody(problems, 'jiraTransition', request);
    if ('refuse' in checked) return checked.refuse;
    const id = (checked.body as { transition?: { id?: string } }).transition?.id;
    const chosen = offered(found).find((t) => t.id === id);
    if (chosen === undefined) {
      return {
        status: 400,
        body: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} },
      };
    }
    found.status = chosen.to;
    found.transitions.push(chosen.id);
    return { status: 204 };
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
      return { status: 200, body: issueJson(base, found, fields) };
    }
    const commentPath = COMMENT_PATH.exec(path);
    if (method === 'POST' && commentPath) {
      const found = issue(decodeURIComponent(commentPath[1] ?? ''));
      return found === undefined ? notFound() : addComment(request, found);
    }
    const transitionsPath = TRANSITIONS_PATH.exec(path);
    if (transitionsPath) {
      const found = issue(decodeURIComponent(transitionsPath[1] ?? ''));
      if (method === 'GET') {
        if (found === undefined) return notFound();
        return { status: 200, body: { transitions: offered(found).map((t) => transitionJson(base, t)) } };
      }
      if (method === 'POST') return found === undefined ? notFound() : transition(request, found);
    }
    problems.push(`${method} ${request.url}: no such Jira endpoint here`);
    return { status: 404, body: { errorMessages: ['Not found'], errors: {} } };
  };

  const answer = (request: ReceivedRequest): Answer => {
    const url = new URL(request.url, 'http://receiver');
    const scripted = failures.find(({ failure }) => matchesFailure(failure, request.method, url));
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
