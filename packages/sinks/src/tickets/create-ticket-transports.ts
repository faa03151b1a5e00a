import {
  PAGERDUTY_EVENTS_URL,
  parseDuration,
  parseSecretRef,
  type RouteDelivery,
  routeName,
  type SecretResolver,
  TICKET_DEFAULTS,
  type TicketRouteConfig,
  type TicketTransport,
} from '@healops/core';
import { TicketConfigError } from '../errors.js';
import { JiraTransport } from './jira-transport.js';
import { PagerDutyTransport } from './pagerduty-transport.js';
import { WebhookTransport } from './webhook-transport.js';

export interface CreateTicketTransportsOptions {
  /**
   * Given: a route that cannot be built (a secret that cannot be resolved) is reported here and left out, and the
   * other routes still deliver. Absent: the first such route throws.
   */
  readonly onRouteError?: (route: string, error: TicketConfigError) => void;
}

/**
 * Turns the `tickets:` routes into transports keyed by route name, with each route's delivery passes. Secret
 * references are resolved here: one that cannot be resolved fails, naming the route and the reference (never a
 * value), so a misconfiguration shows at start-up rather than as dead-lettered tickets.
 */
export async function createTicketTransports(
  routes: readonly TicketRouteConfig[],
  secrets: SecretResolver,
  options: CreateTicketTransportsOptions = {},
): Promise<Map<string, RouteDelivery>> {
  const deliveries = new Map<string, RouteDelivery>();
  for (const [index, route] of routes.entries()) {
    const name = routeName(route);
    const where = `tickets[${index}] (route "${name}")`;
    if (deliveries.has(name)) {
      throw new TicketConfigError(`${where}: the route name is already used; give each route its own name`);
    }
    try {
      deliveries.set(name, {
        transport: await transportFor(route, where, secrets),
        maxAttempts: route.maxAttempts ?? TICKET_DEFAULTS.maxAttempts,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure =
        error instanceof TicketConfigError
          ? error
          : new TicketConfigError(`${where}: ${reason}`, { cause: error });
      if (!options.onRouteError) throw failure;
      options.onRouteError(name, failure);
    }
  }
  return deliveries;
}

async function transportFor(
  route: TicketRouteConfig,
  where: string,
  secrets: SecretResolver,
): Promise<TicketTransport> {
  const timeoutMs = route.timeout ? parseDuration(route.timeout) : TICKET_DEFAULTS.timeoutMs;
  const secret = (field: string, ref: string): Promise<string> =>
    resolveSecret(secrets, `${where}.${field}`, ref);
  switch (route.type) {
    case 'pagerduty':
      return new PagerDutyTransport({
        url: route.url ?? PAGERDUTY_EVENTS_URL,
        routingKey: await secret('routingKey', route.routingKey),
        timeoutMs,
        ratePerMinute: route.ratePerMinute ?? TICKET_DEFAULTS.pagerDutyRatePerMinute,
      });
    case 'jira':
      return new JiraTransport({
        baseUrl: route.baseUrl,
        project: route.project,
        issueType: route.issueType,
        email: await secret('email', route.email),
        apiToken: await secret('apiToken', route.apiToken),
        resolveTransition: route.resolveTransition ?? TICKET_DEFAULTS.resolveTransition,
        labelPrefix: route.labelPrefix,
        timeoutMs,
      });
    case 'webhook':
      return new WebhookTransport({
        url: route.url,
        secret: await secret('secret', route.secret),
        timeoutMs,
      });
  }
}

async function resolveSecret(secrets: SecretResolver, where: string, text: string): Promise<string> {
  const ref = parseSecretRef(text);
  let value: string;
  try {
    value = await secrets.resolve(ref);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TicketConfigError(`${where}: secret ${ref.text} cannot be resolved: ${reason}`, {
      cause: error,
    });
  }
  if (value === '') throw new TicketConfigError(`${where}: secret ${ref.text} is empty`);
  return value;
}
