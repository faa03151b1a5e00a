import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.js';
import {
  deliverTickets,
  type RouteDelivery,
  TICKET_DELIVERY_DEFAULTS,
} from '../src/tickets/deliver-tickets.js';
import type { TicketRecord, TicketTransport } from '../src/tickets/ports.js';
import type { TicketAction, TicketEvent } from '../src/tickets/ticket-event.js';
import {
  type TicketImageOptions,
  type TicketImages,
  ticketImageLookup,
  withTicketImages,
} from '../src/tickets/ticket-images.js';
import { ManualClock } from './support/doubles.js';
import { MemoryTicketOutbox } from './support/memory-ticket-outbox.js';
import { makeTicketEvent } from './support/tickets-fixtures.js';

/** Records what it sends; fails the first `failures` sends retryably. */
class RecordingTransport implements TicketTransport {
  readonly sent: TicketEvent[] = [];
  constructor(private failures = 0) {}
  async send(record: TicketRecord) {
    this.sent.push(record.event);
    if (this.failures > 0) {
      this.failures--;
      throw new TransportError('HTTP 503', { retryable: true });
    }
    return { ref: null };
  }
}

/** Answers from a script: a URL, an error, or a promise the test settles; counts the questions. */
class ScriptedImages implements TicketImages {
  readonly asked: TicketEvent[] = [];
  constructor(private readonly answer: (n: number) => Promise<string | undefined>) {}
  imageFor(event: TicketEvent) {
    this.asked.push(event);
    return this.answer(this.asked.length);
  }
}

const URL_OF = (n: number) => `https://graphs.example/${n}.png`;
const noImage = (action: TicketAction = 'trigger') => {
  const { imageUrl: _dropped, ...event } = makeTicketEvent({ action });
  return event;
};

async function deliver(
  events: readonly TicketEvent[],
  routes: Record<string, RecordingTransport>,
  options: TicketImageOptions,
) {
  const clock = new ManualClock(new Date('2026-03-01T10:02:00.000Z'));
  const outbox = new MemoryTicketOutbox();
  await outbox.enqueue(
    Object.keys(routes).flatMap((route) => events.map((event, i) => ({ id: `${route}-${i}`, route, event }))),
    clock.now(),
  );
  const deliveries = new Map<string, RouteDelivery>(
    Object.entries(routes).map(([route, transport]) => [route, { transport, maxAttempts: 3 }]),
  );
  const problems: string[] = [];
  const summary = await deliverTickets({
    outbox,
    links: outbox,
    routes: withTicketImages(deliveries, options),
    clock,
    deadline: new Date(clock.now().getTime() + 30_000),
    onProblem: (m) => problems.push(m),
    random: () => 0.5,
  });
  return { summary, problems, outbox };
}

describe('withTicketImages', () => {
  it('adds the image to triggers and updates, asks once per action for all routes, never for a resolve', async () => {
    const images = new ScriptedImages(async (n) => URL_OF(n));
    const pd = new RecordingTransport();
    const jira = new RecordingTransport();
    const update = { ...noImage('update'), occurredAt: '2026-03-01T10:05:00.000Z' };
    const { summary } = await deliver(
      [noImage('trigger'), update, noImage('resolve')],
      { pd, jira },
      { images },
    );
    expect(summary).toEqual({ delivered: 6, failed: 0, dead: 0 });
    expect(images.asked.map((e) => e.action)).toEqual(['trigger', 'update']);
    for (const transport of [pd, jira]) {
      expect(transport.sent.map((e) => [e.action, e.imageUrl])).toEqual([
        ['trigger', URL_OF(1)],
        ['update', URL_OF(2)],
        ['resolve', undefined],
      ]);
    }
  });

  it('leaves an event that already has an image alone', async () => {
    const images = new ScriptedImages(async (n) => URL_OF(n));
    const pd = new RecordingTransport();
    await deliver([makeTicketEvent()], { pd }, { images });
    expect(images.asked).toEqual([]);
    expect(pd.sent[0]?.imageUrl).toBe(makeTicketEvent().imageUrl);
  });

  it('sends without an image when the port fails, and says why', async () => {
    const images = new ScriptedImages(async () => {
      throw new Error('GetMetricWidgetImage failed: ThrottlingException');
    });
    const pd = new RecordingTransport();
    const { summary, problems } = await deliver([noImage()], { pd }, { images });
    expect(summary.delivered).toBe(1);
    expect(pd.sent[0]).not.toHaveProperty('imageUrl');
    expect(problems).toEqual([]);
    // The port's failure goes to the image observer, not the delivery's.
    const seen: string[] = [];
    const pd2 = new RecordingTransport();
    await deliver([noImage()], { pd: pd2 }, { images, onProblem: (m) => seen.push(m) });
    expect(pd2.sent).toHaveLength(1);
    expect(seen).toEqual([
      'tickets: no graph image for trigger healops/web/nginx-up/web-1: GetMetricWidgetImage failed: ThrottlingException',
    ]);
  });

  it('reuses the URL on a quick retry of the same action', async () => {
    const images = new ScriptedImages(async (n) => URL_OF(n));
    const pd = new RecordingTransport(1);
    const { summary } = await deliver([noImage()], { pd }, { images });
    expect(summary.delivered).toBe(1);
    expect(pd.sent.map((e) => e.imageUrl)).toEqual([URL_OF(1), URL_OF(1)]);
    expect(images.asked).toHaveLength(1);
  });

  it('adds the image wait to the transport send time, so claims outlive it', () => {
    const images = new ScriptedImages(async () => undefined);
    const routes = withTicketImages(
      new Map([['pd', { transport: new RecordingTransport(), maxAttempts: 3 }]]),
      {
        images,
        timeoutMs: 2_000,
      },
    );
    expect(routes.get('pd')?.transport.maxSendMs).toBe(TICKET_DELIVERY_DEFAULTS.maxSendMs + 2_000);
  });
});

describe('ticketImageLookup', () => {
  it('gives up waiting after timeoutMs, and hands the late answer to the next try', async () => {
    let settle: (url: string) => void = () => {};
    const late = new Promise<string>((resolve) => {
      settle = resolve;
    });
    const images = new ScriptedImages(() => late);
    const seen: string[] = [];
    const lookup = ticketImageLookup({ images, timeoutMs: 20, onProblem: (m) => seen.push(m) });
    expect(await lookup.imageOf(noImage())).toBeUndefined();
    expect(seen).toEqual([
      'tickets: no graph image for trigger healops/web/nginx-up/web-1 within 20 ms: sent without it',
    ]);
    settle(URL_OF(7));
    expect(await lookup.imageOf(noImage())).toBe(URL_OF(7));
    expect(images.asked).toHaveLength(1);
  });

  it('stops waiting when the send is aborted', async () => {
    const images = new ScriptedImages(() => new Promise<string>(() => {}));
    const lookup = ticketImageLookup({ images, timeoutMs: 60_000 });
    const controller = new AbortController();
    const answer = lookup.imageOf(noImage(), controller.signal);
    controller.abort();
    expect(await answer).toBeUndefined();
    expect(await lookup.imageOf(noImage(), AbortSignal.abort())).toBeUndefined();
  });

  it('asks again for a failed image only after retryFailedAfterMs', async () => {
    let now = 1_000_000;
    const images = new ScriptedImages(async (n) => {
      if (n === 1) throw new Error('AccessDenied');
      return URL_OF(n);
    });
    const lookup = ticketImageLookup({ images, retryFailedAfterMs: 60_000, now: () => now });
    expect(await lookup.imageOf(noImage())).toBeUndefined();
    now += 59_999;
    expect(await lookup.imageOf(noImage())).toBeUndefined();
    expect(images.asked).toHaveLength(1);
    now += 1;
    expect(await lookup.imageOf(noImage())).toBe(URL_OF(2));
  });

  it('never lets a throwing observer break a send', async () => {
    const images = new ScriptedImages(async () => {
      throw new Error('boom');
    });
    const lookup = ticketImageLookup({
      images,
      onProblem: () => {
        throw new Error('observer bug');
      },
    });
    expect(await lookup.imageOf(noImage())).toBeUndefined();
  });
});
