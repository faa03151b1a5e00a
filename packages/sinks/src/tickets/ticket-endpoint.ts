import { TicketConfigError } from '../errors.js';

/**
 * A ticket receiver's URL, checked: http(s) and no credentials in it (they belong in the route's secret fields).
 * Messages never quote the URL, which may carry a token in its path or query.
 */
export function ticketEndpoint(text: string, what: string): URL {
  if (!URL.canParse(text)) throw new TicketConfigError(`${what}: the URL is not a URL`);
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TicketConfigError(`${what}: the URL must be https (or http to localhost), not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TicketConfigError(`${what}: credentials must not be written in the URL`);
  }
  return url;
}
