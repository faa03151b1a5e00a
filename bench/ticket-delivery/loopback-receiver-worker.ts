/** Runs in a worker thread (CommonJS, plain JavaScript): a PagerDuty-like and webhook receiver on loopback. */
export const RECEIVER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const counts = { pagerduty: 0, webhook: 0, raw: 0, bad: 0 };
function accept(req, body) {
  if (req.url === '/v2/enqueue') {
    const event = JSON.parse(body.toString('utf8'));
    const ok = event.routing_key === workerData.routingKey && ['trigger', 'resolve'].includes(event.event_action);
    if (ok) counts.pagerduty++;
    return ok ? event.dedup_key : undefined;
  }
  if (req.url === '/hooks/healops') {
    const timestamp = String(req.headers['healops-timestamp']);
    const expected = 'v1=' + createHmac('sha256', workerData.secret).update(timestamp + '.').update(body).digest('hex');
    const ok = req.headers['healops-signature'] === expected &&
      JSON.parse(body.toString('utf8')).id === req.headers['healops-delivery'];
    if (ok) counts.webhook++;
    return ok ? '' : undefined;
  }
  if (req.url === '/raw') {
    counts.raw++;
    return '';
  }
  return undefined;
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let dedupKey;
    try {
      dedupKey = accept(req, Buffer.concat(chunks));
    } catch {
      dedupKey = undefined;
    }
    if (dedupKey === undefined) counts.bad++;
    res.writeHead(dedupKey === undefined ? 400 : 202, { 'content-type': 'application/json' });
    res.end(JSON.stringify(dedupKey === undefined
      ? { status: 'invalid event', message: 'Event object is invalid' }
      : { status: 'success', message: 'Event processed', dedup_key: dedupKey }));
  });
});
parentPort.on('message', () => parentPort.postMessage({ counts: { ...counts } }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;
