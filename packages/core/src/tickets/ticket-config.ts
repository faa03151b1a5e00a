import { z } from 'zod';
import {
  countSchema,
  durationSchema,
  severitySchema,
  uniqueItemNames,
  urlSchema,
} from '../manifest/field-schemas.js';
import { secretRefSchema } from '../metrics/secret-ref.js';

// The `tickets:` section of healops.config.yaml: where problems are paged or filed. Secrets are references
// (env:NAME, ssm:/path, secretsmanager:id), never values; a route's name keys its outbox rows and ticket links.

const ROUTE_NAME_PATTERN = '^[a-z][a-z0-9-]{0,63}$';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Fields every ticket route takes. */
const routeFields = {
  name: z
    .string()
    .regex(new RegExp(ROUTE_NAME_PATTERN), {
      error: 'a ticket route name is lowercase letters, digits and dashes',
    })
    .optional()
    .meta({ description: 'Identifies the route in `healops tickets` and its outbox (default: its type)' }),
  severities: z
    .array(severitySchema)
    .min(1, { error: 'list at least one severity, or leave `severities` out to take all' })
    .optional()
    .meta({ description: 'Only problems of these severities go this way (default: all)' }),
  timeout: durationSchema('Request timeout', { positive: true }).optional(),
  maxAttempts: countSchema(1, 100).optional().meta({
    description: 'Delivery passes (each with quick retries) before an action is dead-lettered (default 12)',
  }),
};

/** An https URL, or http on loopback (tests, local receivers). */
const endpointSchema = urlSchema.superRefine((text, ctx) => {
  if (!URL.canParse(text)) return;
  const url = new URL(text);
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      input: `${url.protocol}//***@${url.host}`,
      message: 'credentials must not be written in the URL; use the route’s secret fields (env:NAME)',
    });
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({
      code: 'custom',
      input: text,
      message: 'tickets carry secrets and check output: use https (http only to localhost)',
    });
  }
});

export const pagerDutyRouteSchema = z.strictObject({
  type: z.literal('pagerduty'),
  routingKey: secretRefSchema.meta({ description: 'Events API v2 integration (routing) key' }),
  url: endpointSchema
    .optional()
    .meta({ description: `Events API endpoint (default ${PAGERDUTY_EVENTS_URL})` }),
  ratePerMinute: countSchema(1, 10_000).optional().meta({
    description: 'Events per minute sent with this routing key (default 120, PagerDuty’s limit)',
  }),
  ...routeFields,
});

export const jiraRouteSchema = z.strictObject({
  type: z.literal('jira'),
  baseUrl: endpointSchema.meta({ description: 'Jira Cloud site, e.g. https://example.atlassian.net' }),
  project: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, { error: 'expected a Jira project key such as OPS' }),
  issueType: z.string().min(1).max(255).meta({ description: 'Issue type name, e.g. Incident' }),
  email: secretRefSchema.meta({ description: 'Atlassian account email (basic auth user)' }),
  apiToken: secretRefSchema.meta({ description: 'Atlassian API token (basic auth password)' }),
  resolveTransition: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'Transition applied on recovery, by name (default "Done")' }),
  labelPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, {
      error: 'a label prefix is letters, digits, dots, dashes, underscores',
    })
    .optional()
    .meta({ description: 'Prefix of the dedup label on each issue (default "healops")' }),
  ...routeFields,
});

export const webhookRouteSchema = z.strictObject({
  type: z.literal('webhook'),
  url: endpointSchema,
  secret: secretRefSchema.meta({ description: 'HMAC-SHA256 key for the HealOps-Signature header' }),
  ...routeFields,
});

export const ticketRouteSchema = z.discriminatedUnion('type', [
  pagerDutyRouteSchema,
  jiraRouteSchema,
  webhookRouteSchema,
]);

export type PagerDutyRouteConfig = z.output<typeof pagerDutyRouteSchema>;
export type JiraRouteConfig = z.output<typeof jiraRouteSchema>;
export type WebhookRouteConfig = z.output<typeof webhookRouteSchema>;
export type TicketRouteConfig = z.output<typeof ticketRouteSchema>;

/** The name a route goes by: its `name`, else its type. */
export function routeName(route: TicketRouteConfig): string {
  return route.name ?? route.type;
}

/** The `tickets:` list: route names key the outbox and the ticket links, so they are unique. */
export const ticketRouteListSchema = z
  .array(ticketRouteSchema)
  .superRefine(uniqueItemNames('tickets', 'ticket route'));

export const TICKET_DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 12,
  pagerDutyRatePerMinute: 120,
  resolveTransition: 'Done',
} as const;
