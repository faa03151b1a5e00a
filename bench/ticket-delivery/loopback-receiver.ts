import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { RECEIVER_SOURCE } from './loopback-receiver-worker.js';

export interface ReceiverCounts {
  readonly pagerduty: number;
  readonly webhook: number;
  readonly raw: number;
  readonly bad: number;
}

/** What the receiver accepts: the PagerDuty routing key and the webhook signing secret. */
export const ROUTING_KEY = 'bench-routing-key-0123456789abcdef';
export const WEBHOOK_SECRET = 'bench-webhook-secret';

/**
 * node:http on 127.0.0.1 in a worker thread (its own event loop, as a remote receiver would be): answers 202 like
 * PagerDuty, checks each routing key and webhook signature, and counts requests.
 */
export class Receiver {
  readonly #worker: Worker;
  readonly url: string;

  private constructor(worker: Worker, port: number) {
    this.#worker = worker;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<Receiver> {
    const worker = new Worker(RECEIVER_SOURCE, {
      eval: true,
      workerData: { routingKey: ROUTING_KEY, secret: WEBHOOK_SECRET },
    });
    const [message] = (await once(worker, 'message')) as [{ port: number }];
    return new Receiver(worker, message.port);
  }

  async counts(): Promise<ReceiverCounts> {
    const answer = once(this.#worker, 'message');
    this.#worker.postMessage('counts');
    const [message] = (await answer) as [{ counts: ReceiverCounts }];
    return message.counts;
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}
