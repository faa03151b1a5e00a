import {
  jiraComment,
  jiraCreateIssue,
  jiraSearchOpen,
  jiraTransition,
  type TicketEvent,
  type TicketRecord,
  type TicketSendContext,
  type TicketTransport,
  TransportError,
} from '@healops/core';
import { describeEndpoint, type HttpMethod, type HttpResponse, httpRequest } from './http-request.js';
import { configRefusal, ticketStatusError } from './ticket-status.js';

// Files one Jira Cloud issue per problem (REST v3) and keeps it current: a recurrence comments on the open issue,
// a recovery transitions it (by name) and comments. The open issue is found through the local link first (verified
// with a cheap GET), then by its dedup label through search/jql — which is eventually consistent, so a link lost
// right after a create can, rarely, lead to a second issue; the oldest one is kept from then on.

export interface JiraTransportOptions {
  /** The Jira Cloud site, e.g. https://example.atlassian.net. */
  readonly baseUrl: string;
  /** Project key, e.g. OPS. */
  readonly project: string;
  /** Issue type name, e.g. Incident. */
  readonly issueType: string;
  /** Atlassian account email (basic auth user). */
  readonly email: string;
  /** Atlassian API token (basic auth password). */
  readonly apiToken: string;
  /** Transition applied on recovery, matched by name (or target status name), case-insensitively. */
  readonly resolveTransition: string;
  readonly labelPrefix: string | undefined;
  readonly timeoutMs: number;
}

/** An issue found for a problem; `done` when its status is in the Done category. */
interface FoundIssue {
  readonly key: string;
  readonly done: boolean;
}

interface JiraTransitionInfo {
  readonly id: string;
  readonly name: string;
  readonly to: string | undefined;
}

export class JiraTransport implements TicketTransport {
  readonly secrets: readonly string[];
  readonly #options: JiraTransportOptions;
  readonly #base: URL;
  readonly #headers: Readonly<Record<string, string>>;

  constructor(options: JiraTransportOptions) {
    this.#options = options;
    const base = new URL(options.baseUrl);
    base.search = '';
    base.hash = '';
    if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
    this.#base = base;
    const credential = Buffer.from(`${options.email}:${options.apiToken}`, 'utf8').toString('base64');
    this.secrets = [options.apiToken, credential, options.email];
    this.#headers = {
      authorization: `Basic ${credential}`,
      accept: 'application/json',
    };
  }

  /** A send makes at most five requests (look up, search, create or transitions + transition + comment). */
  get maxSendMs(): number {
    return 5 * this.#options.timeoutMs;
  }

  async send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    const { event } = record;
    if (event.action === 'resolve') return this.#resolve(record, context);
    const found = await this.#findIssue(record, context, false);
    if (found !== undefined) {
      await this.#comment(found.key, event, context);
      return { ref: found.key };
    }
    const key = await this.#create(event, context);
    await this.#remember(context, record.route, event.dedupKey, key, context.now);
    return { ref: key };
  }

  async #resolve(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }> {
    const { event } = record;
    const found = await this.#findIssue(record, context, true);
    if (found === undefined) return { ref: null };
    // Transition first, comment second: a retry after a failed comment finds the issue done and only comments.
    let refusal: TransportError | undefined;
    if (!found.done) refusal = await this.#transition(found.key, context);
    await this.#comment(found.key, event, context);
    if (refusal !== undefined) throw refusal;
    await this.#remember(context, record.route, event.dedupKey, null, context.now);
    return { ref: found.key };
  }

  /**
   * The problem's issue: the linked one if it still exists (and is open, unless `acceptDone` — a resolve retried
   * after its transition), else the oldest open one carrying the dedup label. Saves what it finds as the link.
   */
  async #findIssue(
    record: TicketRecord,
    context: TicketSendContext,
    acceptDone: boolean,
  ): Promise<FoundIssue | undefined> {
    const { route } = record;
    const { dedupKey } = record.event;
    const linked = await context.links.getLink(route, dedupKey);
    if (linked !== undefined) {
      const current = await this.#issueStatus(linked, context);
      if (current !== undefined && (acceptDone || !current.done)) return current;
      // Deleted, or closed by a human: the link is stale.
      await this.#remember(context, route, dedupKey, null, context.now);
    }
    const searched = await this.#searchOpen(record.event, context);
    if (searched !== undefined) await this.#remember(context, route, dedupKey, searched.key, context.now);
    return searched;
  }

  /** `GET /issue/{key}?fields=status`: the issue with its status category, undefined when it is gone (404). */
  async #issueStatus(key: string, context: TicketSendContext): Promise<FoundIssue | undefined> {
    const url = this.#url(`rest/api/3/issue/${encodeURIComponent(key)}`);
    url.searchParams.set('fields', 'status');
    const response = await this.#request('GET', url, undefined, context);
    if (response.status === 404) return undefined;
    this.#expectSuccess(`look up issue ${key}`, url, response, context);
    const body = parseJson(response.text);
    const foundKey = stringAt(body, ['key']) ?? key;
    const category = stringAt(body, ['fields', 'status', 'statusCategory', 'key']);
    if (category === undefined) throw this.#unreadable(`look up issue ${key}`, url);
    return { key: foundKey, done: category === 'done' };
  }

  async #searchOpen(event: TicketEvent, context: TicketSendContext): Promise<FoundIssue | undefined> {
    const url = this.#url('rest/api/3/search/jql');
    const body = jiraSearchOpen(event.dedupKey, this.#options.project, this.#options.labelPrefix);
    const response = await this.#request('POST', url, body, context);
    this.#expectSuccess('search for the open issue', url, response, context, /./);
    const issues = arrayAt(parseJson(response.text), ['issues']);
    if (issues === undefined) throw this.#unreadable('search for the open issue', url);
    // Ordered by created ASC: the oldest open issue is the problem's issue if a race ever opened two.
    const first = issues.map((issue) => stringAt(issue, ['key'])).find((key) => key !== undefined);
    return first === undefined ? undefined : { key: first, done: false };
  }

  async #create(event: TicketEvent, context: TicketSendContext): Promise<string> {
    const url = this.#url('rest/api/3/issue');
    const body = jiraCreateIssue(event, {
      project: this.#options.project,
      issueType: this.#options.issueType,
      ...(this.#options.labelPrefix === undefined ? {} : { labelPrefix: this.#options.labelPrefix }),
    });
    const response = await this.#request('POST', url, body, context);
    this.#expectSuccess(
      `create an issue in ${this.#options.project}`,
      url,
      response,
      context,
      /project|issue ?type/i,
    );
    const key = stringAt(parseJson(response.text), ['key']);
    if (key === undefined) throw this.#unreadable(`create an issue in ${this.#options.project}`, url);
    return key;
  }

  async #comment(key: string, event: TicketEvent, context: TicketSendContext): Promise<void> {
    const url = this.#url(`rest/api/3/issue/${encodeURIComponent(key)}/comment`);
    const response = await this.#request('POST', url, jiraComment(event), context);
    this.#expectSuccess(`comment on ${key}`, url, response, context);
  }

  /**
   * Applies the resolve transition. Returns (does not throw) the refusal when no transition matches, so the caller
   * still posts the recovery comment before dead-lettering the action.
   */
  async #transition(key: string, context: TicketSendContext): Promise<TransportError | undefined> {
    const listUrl = this.#url(`rest/api/3/issue/${encodeURIComponent(key)}/transitions`);
    const listed = await this.#request('GET', listUrl, undefined, context);
    this.#expectSuccess(`list the transitions of ${key}`, listUrl, listed, context);
    const transitions = readTransitions(parseJson(listed.text));
    if (transitions === undefined) throw this.#unreadable(`list the transitions of ${key}`, listUrl);
    const wanted = this.#options.resolveTransition.trim().toLowerCase();
    const match =
      transitions.find((t) => t.name.trim().toLowerCase() === wanted) ??
      transitions.find((t) => t.to?.trim().toLowerCase() === wanted);
    if (match === undefined) {
      const names = transitions.map((t) => (t.to ? `"${t.name}" (to ${t.to})` : `"${t.name}"`));
      return new TransportError(
        `Jira issue ${key} has no transition named "${this.#options.resolveTransition}"; ` +
          `available: ${names.length > 0 ? names.join(', ') : 'none'}. ` +
          'Set resolveTransition on the route to one of these; the recovery comment was posted.',
        { retryable: false },
      );
    }
    const url = this.#url(`rest/api/3/issue/${encodeURIComponent(key)}/transitions`);
    const response = await this.#request('POST', url, jiraTransition(match.id), context);
    this.#expectSuccess(`transition ${key} with "${match.name}"`, url, response, context);
    return undefined;
  }

  #url(path: string): URL {
    return new URL(path, this.#base);
  }

  #request(method: HttpMethod, url: URL, body: unknown, context: TicketSendContext): Promise<HttpResponse> {
    return httpRequest({
      method,
      url,
      headers: body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: this.#options.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  }

  /**
   * Saves (or forgets) the problem's issue key. Best effort: the issue exists in Jira whatever happens here, and a
   * failure must not fail the send (a retry would open a second issue); without the link the next action searches.
   */
  async #remember(context: TicketSendContext, route: string, dedupKey: string, key: string | null, at: Date) {
    try {
      await context.links.setLink(route, dedupKey, key, at);
    } catch {
      // The outbox still records the key as the action's ref.
    }
  }

  /** Throws the TransportError for a response that is not a 2xx, with Jira's own words (secrets removed). */
  #expectSuccess(
    what: string,
    url: URL,
    response: HttpResponse,
    context: TicketSendContext,
    /** A refusal matching this names the route's configuration (project, issue type): kept, not dead-lettered. */
    misconfigured?: RegExp,
  ): void {
    const status = ticketStatusError(describeEndpoint(url), response, context.now, this.secrets);
    if (status === undefined) return;
    const error = misconfigured
      ? configRefusal(status, misconfigured, 'check the route’s project and issueType')
      : status;
    const hint =
      response.status === 401 || response.status === 403
        ? ' (Jira: the route’s email with an Atlassian API token for it, and that account’s project permissions)'
        : '';
    throw new TransportError(`Jira: cannot ${what}: ${error.message}${hint}`, {
      retryable: error.retryable,
      tooLarge: error.tooLarge,
      cause: error,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }

  #unreadable(what: string, url: URL): TransportError {
    return new TransportError(
      `Jira: cannot ${what}: the answer from ${describeEndpoint(url)} is not what Jira Cloud REST v3 sends; ` +
        'check baseUrl (the site, e.g. https://example.atlassian.net)',
      { retryable: true },
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const name of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

function stringAt(value: unknown, path: readonly string[]): string | undefined {
  const found = valueAt(value, path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

function arrayAt(value: unknown, path: readonly string[]): readonly unknown[] | undefined {
  const found = valueAt(value, path);
  return Array.isArray(found) ? found : undefined;
}

function readTransitions(body: unknown): JiraTransitionInfo[] | undefined {
  const list = arrayAt(body, ['transitions']);
  if (list === undefined) return undefined;
  return list.flatMap((item) => {
    const id = stringAt(item, ['id']);
    const name = stringAt(item, ['name']);
    return id === undefined || name === undefined ? [] : [{ id, name, to: stringAt(item, ['to', 'name']) }];
  });
}
