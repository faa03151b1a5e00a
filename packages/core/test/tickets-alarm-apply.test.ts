import { describe, expect, it } from 'vitest';
import { problemDedupKey } from '../src/engine/lifecycle.js';
import { StateConflictError } from '../src/errors.js';
import type { CheckState } from '../src/model/state.js';
import { type AlarmOptions, applyAlarm } from '../src/tickets/alarm-apply.js';
import { type AlarmEvent, parseAlarmEvent } from '../src/tickets/alarm-event.js';
import { alarmKey } from '../src/tickets/alarm-key.js';
import type { QueuedTicket } from '../src/tickets/ports.js';
import type { TicketRoute } from '../src/tickets/problem-ticket.js';
import { type AlarmChange, alarmChange, compositeAlarmEvent } from './support/alarm-fixtures.js';
import { ManualClock, MemoryStore } from './support/doubles.js';

const ROUTES: readonly TicketRoute[] = [{ name: 'pagerduty' }];
const OPTIONS: AlarmOptions = { routes: ROUTES, environment: 'prod' };

function change(c: AlarmChange): AlarmEvent {
  return parseAlarmEvent(alarmChange(c), `${c.id}.json`);
}

function setup() {
  const store = new MemoryStore();
  const clock = new ManualClock(new Date('2026-03-02T12:00:00Z'));
  const apply = (event: AlarmEvent, options: AlarmOptions = OPTIONS) =>
    applyAlarm({ state: store, audit: store, clock }, event, options);
  return { store, clock, apply };
}

const ALARM = { id: 'e-1', value: 'ALARM', at: '2026-03-02T10:00:00.000+0000' } as const;
const OK = { id: 'e-2', value: 'OK', at: '2026-03-02T10:30:00.000+0000' } as const;

describe('applyAlarm', () => {
  it('opens a problem on ALARM and resolves it on OK, with one dedup key', async () => {
    const { store, apply } = setup();
    const opened = await apply(change(ALARM));
    expect(opened.action).toBe('trigger');
    expect(opened.key).toEqual({
      package: 'cloudwatch',
      check: 'ServerCpuTooHigh',
      target: '123456789012/us-east-1',
    });
    const dedupKey = problemDedupKey(opened.key);
    expect(opened.tickets.map((t) => [t.route, t.event.action, t.event.dedupKey])).toEqual([
      ['pagerduty', 'trigger', dedupKey],
    ]);
    expect(opened.tickets[0]?.event.severity).toBe('critical');
    expect(opened.tickets[0]?.event.summary).toMatch(
      /^CloudWatch alarm ServerCpuTooHigh in us-east-1: ALARM - /,
    );
    expect((await store.openProblems()).map((p) => p.problem.dedupKey)).toEqual([dedupKey]);

    const closed = await apply(change(OK));
    expect(closed.action).toBe('resolve');
    expect(closed.tickets.map((t) => [t.event.action, t.event.dedupKey, t.event.severity])).toEqual([
      ['resolve', dedupKey, 'critical'],
    ]);
    expect(await store.openProblems()).toEqual([]);
    // The outbox got both actions, in order, through the state saves.
    expect(store.tickets.map((t) => t.event.action)).toEqual(['trigger', 'resolve']);
    expect(new Set(store.tickets.map((t) => t.id)).size).toBe(2);
    expect(store.events.map((e) => e.type)).toEqual(['alarm', 'escalated', 'alarm', 'recovered']);
    expect(store.events[0]?.detail).toMatchObject({ eventId: 'e-1', state: 'ALARM', action: 'trigger' });
  });

  it('triggers once for an alarm that stays in ALARM', async () => {
    const { store, apply } = setup();
    expect((await apply(change(ALARM))).action).toBe('trigger');
    const again = await apply(
      change({
        id: 'e-3',
        value: 'ALARM',
        previous: 'ALARM',
        at: '2026-03-02T10:05:00.000+0000',
        reason:
          'Threshold Crossed: 3 out of the last 3 datapoints [97.1 (02/03/26 17:04:00)] was greater than the threshold (50.0).',
      }),
    );
    expect(again).toMatchObject({ action: 'none', tickets: [] });
    expect(store.tickets).toHaveLength(1);
    const state = store.states.values().next().value as CheckState;
    expect(state.problem?.occurrences).toBe(2);
    expect(state.lastRunAt).toBe('2026-03-02T10:05:00.000Z');
  });

  it('treats the same event delivered twice as one', async () => {
    const { store, apply } = setup();
    await apply(change(ALARM));
    const version = (store.states.values().next().value as CheckState).version;
    const eventsBefore = store.events.length;
    const twice = await apply(change(ALARM));
    expect(twice).toMatchObject({ action: 'none', tickets: [] });
    expect((store.states.values().next().value as CheckState).version).toBe(version);
    expect(store.events).toHaveLength(eventsBefore);
    expect(store.tickets).toHaveLength(1);
  });

  it('updates the ticket when the alarm says something new while open', async () => {
    const { store, apply } = setup();
    await apply(change(ALARM));
    const other = await apply(
      change({
        id: 'e-3',
        value: 'ALARM',
        previous: 'ALARM',
        at: '2026-03-02T10:05:00.000+0000',
        reason: 'Threshold Crossed: 1 datapoint [0.0] was less than the lower thresholds [0.02]',
      }),
    );
    expect(other.action).toBe('update');
    expect(other.tickets.map((t) => t.event.action)).toEqual(['update']);
    // Back from INSUFFICIENT_DATA, still alarming: news too.
    expect(
      (await apply(change({ id: 'e-4', value: 'INSUFFICIENT_DATA', at: '2026-03-02T10:10:00Z' }))).action,
    ).toBe('none');
    const back = await apply(
      change({
        id: 'e-5',
        value: 'ALARM',
        previous: 'INSUFFICIENT_DATA',
        at: '2026-03-02T10:15:00Z',
        reason: 'Threshold Crossed: 1 datapoint [0.1] was less than the lower thresholds [0.02]',
      }),
    );
    expect(back.action).toBe('update');
    expect(store.tickets.map((t) => t.event.action)).toEqual(['trigger', 'update', 'update']);
    expect((await store.openProblems()).length).toBe(1);
  });

  it('queues nothing for OK without a problem, nor for INSUFFICIENT_DATA, and notes both', async () => {
    const { store, apply } = setup();
    const ok = await apply(change(OK));
    expect(ok).toMatchObject({ action: 'none', tickets: [] });
    const blind = await apply(
      change({ id: 'e-9', value: 'INSUFFICIENT_DATA', previous: 'OK', at: '2026-03-02T11:00:00Z' }),
    );
    expect(blind).toMatchObject({ action: 'none', tickets: [] });
    expect(store.tickets).toEqual([]);
    expect(await store.openProblems()).toEqual([]);
    expect(store.events.map((e) => [e.type, e.status])).toEqual([
      ['alarm', 'ok'],
      ['alarm', 'unknown'],
    ]);
  });

  it('keeps the problem open through INSUFFICIENT_DATA', async () => {
    const { store, apply } = setup();
    await apply(change(ALARM));
    const blind = await apply(
      change({ id: 'e-9', value: 'INSUFFICIENT_DATA', previous: 'ALARM', at: '2026-03-02T10:10:00Z' }),
    );
    expect(blind.action).toBe('none');
    expect((await store.openProblems()).length).toBe(1);
    expect((await apply(change(OK))).action).toBe('resolve');
  });

  it('ignores an event older than the last one applied (out-of-order delivery)', async () => {
    const { store, apply } = setup();
    const okAt = { id: 'e-ok', value: 'OK', previous: 'ALARM', at: '2026-03-02T09:59:00.000+0000' } as const;
    expect((await apply(change(ALARM))).action).toBe('trigger');
    const late = await apply(change(okAt));
    expect(late).toMatchObject({ action: 'stale', tickets: [] });
    expect(late.message).toContain('not newer than the last state change applied (2026-03-02T10:00:00.000Z)');
    expect((await store.openProblems()).length).toBe(1);
    expect(store.tickets.map((t) => t.event.action)).toEqual(['trigger']);
    expect(store.events.at(-1)).toMatchObject({
      type: 'alarm',
      detail: { eventId: 'e-ok', action: 'stale' },
    });
  });

  it('ignores a different state stamped with the same time as the last one applied', async () => {
    const { apply } = setup();
    await apply(change(ALARM));
    const same = await apply(change({ id: 'e-x', value: 'OK', at: ALARM.at }));
    expect(same.action).toBe('stale');
  });

  it('routes by the severity the alarm description asks for', async () => {
    const { store, apply } = setup();
    const options: AlarmOptions = {
      routes: [
        { name: 'pager', severities: ['critical'] },
        { name: 'jira', severities: ['warning', 'error'] },
        { name: 'hook' },
      ],
      environment: 'staging',
    };
    const critical = await apply(change({ ...ALARM, description: 'severity=critical' }), options);
    expect(critical.tickets.map((t) => t.route)).toEqual(['pager', 'hook']);
    expect(critical.tickets[0]?.event.environment).toBe('staging');

    const warning = await apply(
      change({ ...ALARM, id: 'w-1', name: 'DiskAlmostFull', description: '[warning] disk above 80%' }),
      options,
    );
    expect(warning.tickets.map((t) => [t.route, t.event.severity])).toEqual([
      ['jira', 'warning'],
      ['hook', 'warning'],
    ]);

    const plain = await apply(
      change({ ...ALARM, id: 'p-1', name: 'Plain', description: 'no level' }),
      options,
    );
    expect(plain.tickets.map((t) => [t.route, t.event.severity])).toEqual([
      ['jira', 'error'],
      ['hook', 'error'],
    ]);
    const info = await apply(change({ ...ALARM, id: 'i-1', name: 'Quiet', description: 'no level' }), {
      ...options,
      defaultSeverity: 'info',
    });
    expect(info.tickets.map((t) => t.route)).toEqual(['hook']);

    // The resolve goes where the trigger went, whatever the description says now.
    const resolved = await apply(
      change({ ...OK, id: 'w-2', name: 'DiskAlmostFull', description: 'severity=critical' }),
      options,
    );
    expect(resolved.tickets.map((t) => [t.route, t.event.action, t.event.severity])).toEqual([
      ['jira', 'resolve', 'warning'],
      ['hook', 'resolve', 'warning'],
    ]);
    expect(store.tickets).toHaveLength(9);
  });

  it('gives distinct, stable problems to alarms with long or odd names', async () => {
    const { store, apply } = setup();
    const names = [`${'latency '.repeat(30)}a`, `${'latency '.repeat(30)}b`, 'api 5xx', 'api/5xx', 'api-5xx'];
    const keys = [];
    for (const [i, name] of names.entries()) {
      const outcome = await apply(change({ ...ALARM, id: `n-${i}`, name }));
      expect(outcome.action).toBe('trigger');
      keys.push(problemDedupKey(outcome.key));
    }
    expect(new Set(keys).size).toBe(names.length);
    expect((await store.openProblems()).length).toBe(names.length);
    // The same odd name later maps to the same problem, which it closes.
    const closed = await apply(change({ ...OK, id: 'n-ok', name: 'api/5xx' }));
    expect(closed.action).toBe('resolve');
    expect(problemDedupKey(closed.key)).toBe(keys[3]);
  });

  it('opens a composite alarm’s problem with its propagated severity tag', async () => {
    const { apply } = setup();
    const event = parseAlarmEvent(compositeAlarmEvent(), 'composite.json');
    const outcome = await apply(event);
    expect(outcome.action).toBe('trigger');
    expect(outcome.tickets[0]?.event).toMatchObject({
      severity: 'warning',
      dedupKey: 'healops/cloudwatch/ServiceAggregatedAlarm/123456789012/eu-west-1',
      firstSeen: '2026-03-02T12:00:00.000Z',
    });
  });

  it('dates the problem at the state change, never later than now', async () => {
    const { apply, clock } = setup();
    clock.advance(60 * 60 * 1000);
    const outcome = await apply(change(ALARM));
    expect(outcome.tickets[0]?.event.firstSeen).toBe('2026-03-02T10:00:00.000Z');
    expect(outcome.tickets[0]?.event.occurredAt).toBe('2026-03-02T10:00:00.000Z');
  });

  it('opens the problem even when no route takes tickets', async () => {
    const { store, apply } = setup();
    const outcome = await apply(change(ALARM), { routes: [], environment: 'prod' });
    expect(outcome).toMatchObject({ action: 'trigger', tickets: [] });
    expect((await store.openProblems()).length).toBe(1);
  });

  it('retries on fresh state when another writer changed the alarm meanwhile', async () => {
    const store = new ConflictOnceStore();
    const clock = new ManualClock(new Date('2026-03-02T12:00:00Z'));
    const deps = { state: store, audit: store, clock };
    await applyAlarm(deps, change(ALARM), OPTIONS);
    // While this OK is being applied, another runner applies the same OK first.
    const okEvent = change(OK);
    store.beforeNextSave = () => applyAlarm({ ...deps, state: new MemoryStoreView(store) }, okEvent, OPTIONS);
    const outcome = await applyAlarm(deps, okEvent, OPTIONS);
    expect(store.conflicts).toBe(1);
    // The other runner resolved it; the retry sees that and queues nothing more.
    expect(outcome.action).toBe('none');
    expect(store.tickets.map((t) => t.event.action)).toEqual(['trigger', 'resolve']);
  });

  it('gives up with StateConflictError when the state never settles', async () => {
    const store = new AlwaysConflictStore();
    const clock = new ManualClock();
    await expect(applyAlarm({ state: store, audit: store, clock }, change(ALARM), OPTIONS)).rejects.toThrow(
      StateConflictError,
    );
    expect(store.saves).toBe(5);
  });

  it('keeps the key the parser and the mapping agree on', () => {
    expect(alarmKey(change(ALARM))).toEqual({
      package: 'cloudwatch',
      check: 'ServerCpuTooHigh',
      target: '123456789012/us-east-1',
    });
  });
});

/** A MemoryStore that runs a competing writer just before the next save, then records the conflict. */
class ConflictOnceStore extends MemoryStore {
  beforeNextSave: (() => Promise<unknown>) | undefined;
  conflicts = 0;
  override async save(state: CheckState, expectedVersion: number, tickets: readonly QueuedTicket[] = []) {
    const competitor = this.beforeNextSave;
    this.beforeNextSave = undefined;
    if (competitor) await competitor();
    try {
      return await super.save(state, expectedVersion, tickets);
    } catch (error) {
      if (error instanceof StateConflictError) this.conflicts++;
      throw error;
    }
  }
}

/** The competing writer: the same stored data, through the plain save. */
class MemoryStoreView extends MemoryStore {
  constructor(private readonly inner: MemoryStore) {
    super();
  }
  override async load(key: CheckState['key']) {
    return this.inner.load(key);
  }
  override async save(state: CheckState, expectedVersion: number, tickets: readonly QueuedTicket[] = []) {
    return MemoryStore.prototype.save.call(this.inner, state, expectedVersion, tickets);
  }
}

class AlwaysConflictStore extends MemoryStore {
  saves = 0;
  override async save(): Promise<CheckState> {
    this.saves++;
    throw new StateConflictError('someone else wrote first');
  }
}
