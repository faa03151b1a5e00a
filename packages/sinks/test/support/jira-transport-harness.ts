import { randomUUID } from 'node:crypto';
import { jiraDedupLabel, type TicketEvent, type TicketLinks, type TicketRecord } from '@healops/core';
import { afterEach, expect } from 'vitest';
import { adfPlainText } from '../../../core/test/support/tickets-adf.js';
import { makeTicketEvent } from '../../../core/test/support/tickets-fixtures.js';
import { JiraTransport, type JiraTransportOptions } from '../../src/tickets/jira-transport.js';
import { type JiraReceiver, type JiraReceiverOptions, startJiraReceiver } from './jira-receiver.js';

export { transportFailure as failure } from './transport-failure.js';

// Shared by the JiraTransport tests: a transport against the loopback Jira (jira-receiver.ts), in-memory links,
// ticket records, and helpers to read what the receiver saw.

export const EMAIL = 'healops-bot@example.com';
export const TOKEN = 'ATATT3xFfGF0-secret-api-token-0123456789';
export const CREDENTIAL = Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64');
export const ROUTE = 'jira';
export const NOW = new Date('2026-03-01T10:02:00.000Z');
export const DEDUP = 'healops/web/nginx-up/web-1';
export const LABEL = jiraDedupLabel(DEDUP);

/** TicketLinks in memory, recording every setLink. */
export class MemoryLinks implements TicketLinks {
  readonly links = new Map<string, string>();
  readonly sets: Array<string | null> = [];

  async getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.links.get(`${route}\n${dedupKey}`);
  }

  async setLink(route: string, dedupKey: string, ref: string | null, _at: Date): Promise<void> {
    this.sets.push(ref);
    if (ref === null) this.links.delete(`${route}\n${dedupKey}`);
    else this.links.set(`${route}\n${dedupKey}`, ref);
  }

  link(): string | undefined {
    return this.links.get(`${ROUTE}\n${DEDUP}`);
  }
}

export function record(action: TicketEvent['action'], overrides: Partial<TicketEvent> = {}): TicketRecord {
  const status = action === 'resolve' ? 'ok' : 'critical';
  return {
    id: randomUUID(),
    route: ROUTE,
    event: makeTicketEvent({ action, status, ...overrides }),
    seq: 1,
    state: 'pending',
    attempts: 0,
    createdAt: NOW.toISOString(),
    nextAttemptAt: NOW.toISOString(),
    lastAttemptAt: null,
    deliveredAt: null,
    lastError: null,
    ref: null,
  };
}

export interface LoopbackJira {
  /** Starts the receiver (closed after each test, which also asserts it saw no problems) and a transport to it. */
  start(
    options?: Partial<JiraReceiverOptions>,
    transport?: Partial<JiraTransportOptions>,
  ): Promise<{ jira: JiraReceiver; transport: JiraTransport; links: MemoryLinks }>;
  /** Closes the receiver now, within the test; afterEach then has nothing to close. */
  closeNow(jira: JiraReceiver): Promise<void>;
}

/** Registers the afterEach that closes the test's receiver and asserts its `problems` stayed empty. */
export function useLoopbackJira(): LoopbackJira {
  let receiver: JiraReceiver | undefined;
  afterEach(async () => {
    const problems = receiver?.problems ?? [];
    await receiver?.close();
    receiver = undefined;
    expect(problems).toEqual([]);
  });
  return {
    async start(options = {}, transport = {}) {
      receiver = await startJiraReceiver({ email: EMAIL, apiToken: TOKEN, ...options });
      return { jira: receiver, transport: newTransport(receiver.url, transport), links: new MemoryLinks() };
    },
    async closeNow(jira) {
      await jira.close();
      receiver = undefined;
    },
  };
}

export function newTransport(baseUrl: string, overrides: Partial<JiraTransportOptions> = {}): JiraTransport {
  return new JiraTransport({
    baseUrl,
    project: 'OPS',
    issueType: 'Incident',
    email: EMAIL,
    apiToken: TOKEN,
    resolveTransition: 'Done',
    labelPrefix: undefined,
    timeoutMs: 5_000,
    ...overrides,
  });
}

export function send(
  transport: JiraTransport,
  links: TicketLinks,
  rec: TicketRecord,
): Promise<{ ref: string | null }> {
  return transport.send(rec, { links, now: NOW });
}

/** Method and path of each request, from index `from`. */
export function calls(jira: JiraReceiver, from = 0): string[] {
  return jira.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}

export function commentTexts(jira: JiraReceiver, key: string): string[] {
  return (jira.issue(key)?.comments ?? []).map((c) => adfPlainText(c.body));
}
