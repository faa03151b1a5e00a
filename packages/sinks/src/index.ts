export { createSinks, type SinkWiring } from './create-sinks.js';
export { EmfSink, type EmfSinkOptions } from './emf-sink.js';
export { SinkConfigError, TicketConfigError } from './errors.js';
export { InfluxTransport, type InfluxTransportOptions } from './influx-transport.js';
export { OpenTsdbTransport, type OpenTsdbTransportOptions } from './opentsdb-transport.js';
export { createTicketTransports } from './tickets/create-ticket-transports.js';
export { JiraTransport, type JiraTransportOptions } from './tickets/jira-transport.js';
export { PagerDutyTransport, type PagerDutyTransportOptions } from './tickets/pagerduty-transport.js';
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  WEBHOOK_SIGNATURE_SCHEME,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookHeaders,
} from './tickets/webhook-signature.js';
export { WebhookTransport, type WebhookTransportOptions } from './tickets/webhook-transport.js';
