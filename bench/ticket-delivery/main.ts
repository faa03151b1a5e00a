/**
 * Cost and throughput of the ticket pipeline (issue 4): queuing with the state, delivering, and rate-limited draining.
 *
 *   npx tsx bench/ticket-delivery/main.ts
 *
 * Every run uses a fresh SQLite store in a temp home (under os.tmpdir(), so TMPDIR chooses the disk); all of them
 * are removed at the end. Each figure is the median of 3 runs.
 *   1. queue    SqliteStore.save(state, version, tickets) of a failing check's state (with its open problem), with
 *               0, 1 and 3 ticket actions queued in the same transaction (3 = one action fanned out to three
 *               routes): 2,000 saves (200 checks x 10 results) awaited one after the other. Runs interleave and
 *               follow one untimed warm-up run.
 *   2. deliver  1,000 pending actions (200 problems x trigger, 3 updates, resolve; one route) delivered by one
 *               deliverTickets call with the system clock, the store as audit trail and the outbox as links (as the
 *               CLI wires them), through the real PagerDutyTransport (ratePerMinute so high that the limiter never
 *               waits), the real WebhookTransport (HMAC-signed) and a transport that answers at once (the SQLite
 *               and deliverer cost alone). The receiver is node:http on 127.0.0.1 in a worker thread (its own event
 *               loop, as a remote receiver would be): it answers 202 like PagerDuty, checks each routing key and
 *               webhook signature, and counts requests. `raw fetch` is the limit: the same number of plain fetch
 *               POSTs of a PagerDuty body to the same receiver. Time inside transport.send is measured apart
 *               (body building, signing, HTTP), the rest is claim / mark delivered / audit in SQLite plus the
 *               deliverer itself.
 *   3. drain    300 queued triggers (300 problems) through the real PagerDutyTransport at the default 120 per
 *               minute, to the same receiver. Not waited for in real time: the clock skips every sleep (adds it at
 *               once) and otherwise runs at real speed, so the figures are what the deliverer would take, HTTP and
 *               SQLite included. Once as one deliverTickets call without a deadline, and as ticketPipeline passes
 *               (at most DEFAULT_TICKET_PASS_MS each, one per cycle) of a daemon whose cycles start every 30 s / 60 s.
 */
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { ACTIONS, deliverBench, PROBLEM_ACTIONS, PROBLEMS, UNBOUNDED_RATE } from './delivery-throughput.js';
import { DRAIN_RATE, DRAIN_TRIGGERS, drainBench } from './drain-at-rate.js';
import { Receiver } from './loopback-receiver.js';
import { queueBench, SAVE_CHECKS, SAVE_ROUNDS, SAVES } from './queue-cost.js';
import { REPEATS } from './results-table.js';
import { Homes } from './temp-stores.js';

async function main(): Promise<void> {
  const homes = new Homes();
  const receiver = await Receiver.start();
  try {
    const queue = await queueBench(homes);
    const deliver = await deliverBench(homes, receiver);
    const drain = await drainBench(homes, receiver);
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `healops ticket pipeline: node ${process.version}, ${process.platform}/${process.arch}, ` +
        `${availableParallelism()} CPUs (${cpu}), temp homes in ${tmpdir()}, median of ${REPEATS}`,
    );
    console.log(
      `\n1. queuing: ${SAVES} SqliteStore.save() of a failing check's state (${SAVE_CHECKS} checks x ${SAVE_ROUNDS}), ` +
        'tickets queued in the same transaction',
    );
    console.log(queue);
    console.log(
      '(WAL, synchronous=NORMAL: a commit is not fsynced; +µs/ticket = the extra cost per queued action)',
    );
    console.log(
      `\n2. delivery: ${ACTIONS} pending actions (${PROBLEMS} problems x ${PROBLEM_ACTIONS.length}) on one route, ` +
        'one deliverTickets call,\n   to node:http on 127.0.0.1 (in a worker thread) answering 202',
    );
    console.log(deliver);
    console.log(
      'ms per action. in send = inside transport.send (body, signing, HTTP round trip); outside send = claim,\n' +
        'mark delivered and audit in SQLite, plus the deliverer. pagerduty: ratePerMinute ' +
        `${UNBOUNDED_RATE.toLocaleString('en')} (never waits).\n` +
        'immediate = a transport that answers at once (SQLite and the deliverer alone).\n' +
        `raw fetch = ${ACTIONS} plain sequential fetch POSTs of a PagerDuty body (the HTTP limit).`,
    );
    console.log(
      `\n3. draining ${DRAIN_TRIGGERS} queued triggers at PagerDuty's default ${DRAIN_RATE}/min ` +
        '(real PagerDutyTransport to the same receiver)',
    );
    console.log(drain);
    console.log(
      'Simulated, not waited for: the clock skips every sleep of the deliverer (adds it at once) and otherwise runs at\n' +
        'real speed, so drained s (time of the last send after the start) includes the real HTTP and SQLite time;\n' +
        'real ms = how long the simulation took. A pass is one ticketPipeline.deliver() at the end of a cycle.\n' +
        'max in 60 s = most sends started within 60 s. The limiter starts send n+120 60.5 s after send n\n' +
        '(half a second of margin for the receiver’s clock), so this should never exceed the rate.',
    );
  } finally {
    await receiver.stop();
    homes.remove();
  }
}

await main();
