import { describe, expect, it } from 'vitest';
import { type CycleRequest, runCycle } from '../src/engine/cycle.js';
import type { EngineDeps } from '../src/engine/deps.js';
import type { ResolvedCheck } from '../src/model/check.js';
import type { TicketRoute } from '../src/tickets/problem-ticket.js';
import { exec, ManualClock, MemorySink, MemoryStore, ScriptedExecutor } from './support/doubles.js';
import { makeCheck, REPAIR_POLICY } from './support/fixtures.js';

const CHECK = '/pkg/checks/nginx-up.sh';
const REPAIR = '/pkg/repairs/restart.sh';
const ROUTES: TicketRoute[] = [{ name: 'pagerduty' }, { name: 'jira', severities: ['critical'] }];

function setup(script: ConstructorParameters<typeof ScriptedExecutor>[0]) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const deps: EngineDeps = {
    executor: new ScriptedExecutor(script),
    state: store,
    audit: store,
    sinks: [new MemorySink()],
    clock,
  };
  return { store, clock, deps };
}

function request(checks: ResolvedCheck[], over: Partial<CycleRequest> = {}): CycleRequest {
  return {
    checks,
    skippedPackages: [],
    targets: ['local'],
    hostPlatform: 'linux',
    concurrency: 1,
    dryRun: false,
    maxOutputBytes: 65_536,
    ticketRoutes: ROUTES,
    ...over,
  };
}

const actions = (store: MemoryStore) => store.tickets.map((t) => `${t.route}:${t.event.action}`);

describe('engine tickets', () => {
  it('queues one trigger per route on escalation, nothing on the next failing run, a resolve on recovery', async () => {
    const t = setup({
      [CHECK]: [exec(2, 'CRITICAL - down | conns=0'), exec(2, 'CRITICAL - down'), exec(0, 'OK - up')],
    });
    const check = makeCheck({ repair: undefined, runbook: 'https://runbooks.example/nginx' });
    await runCycle(t.deps, request([check]));
    expect(actions(t.store)).toEqual(['pagerduty:trigger', 'jira:trigger']);
    const [trigger] = t.store.tickets;
    expect(trigger?.event).toMatchObject({
      dedupKey: 'healops/web/nginx-up/local',
      key: { package: 'web', check: 'nginx-up', target: 'local' },
      severity: 'critical',
      status: 'critical',
      reason: 'no-repair',
      summary: 'web/nginx-up on local: CRITICAL - CRITICAL - down',
      runbook: 'https://runbooks.example/nginx',
      perfdata: [{ label: 'conns', value: 0, uom: '' }],
      firstSeen: t.clock.now().toISOString(),
    });
    expect(new Set(t.store.tickets.map((q) => q.id)).size).toBe(2);

    t.clock.advance(60_000);
    await runCycle(t.deps, request([check]));
    expect(t.store.tickets).toHaveLength(2);

    t.clock.advance(60_000);
    await runCycle(t.deps, request([check]));
    expect(actions(t.store)).toEqual([
      'pagerduty:trigger',
      'jira:trigger',
      'pagerduty:resolve',
      'jira:resolve',
    ]);
    expect(t.store.tickets[2]?.event).toMatchObject({
      action: 'resolve',
      dedupKey: 'healops/web/nginx-up/local',
      status: 'ok',
      summary: 'web/nginx-up on local recovered: OK - OK - up',
    });
  });

  it('tickets a failed repair with its attempts, and updates the ticket when the problem changes', async () => {
    const t = setup({
      // The failed repair is not re-checked; the next cycle's check cannot tell (UNKNOWN).
      [CHECK]: [exec(2, 'CRITICAL - down'), exec(3, 'UNKNOWN - no answer')],
      [REPAIR]: [exec(1, 'restart failed')],
    });
    const check = makeCheck({ repair: { ...REPAIR_POLICY, maxAttempts: 1 }, unknownAfter: 1 });
    await runCycle(t.deps, request([check], { ticketRoutes: [{ name: 'pagerduty' }] }));
    expect(actions(t.store)).toEqual(['pagerduty:trigger']);
    expect(t.store.tickets[0]?.event).toMatchObject({ reason: 'repair-failed' });
    expect(t.store.tickets[0]?.event.repairs).toMatchObject([{ attempt: 1, exitCode: 1, succeeded: false }]);

    t.clock.advance(60_000);
    await runCycle(t.deps, request([check], { ticketRoutes: [{ name: 'pagerduty' }] }));
    expect(actions(t.store)).toEqual(['pagerduty:trigger', 'pagerduty:update']);
    expect(t.store.tickets[1]?.event).toMatchObject({ status: 'unknown', reason: 'unknown-status' });
  });

  it('routes by severity: a warning problem goes only where warnings are taken', async () => {
    const t = setup({ [CHECK]: [exec(2, 'CRITICAL - down')] });
    await runCycle(t.deps, request([makeCheck({ repair: undefined, severity: 'warning' })]));
    expect(actions(t.store)).toEqual(['pagerduty:trigger']);
  });

  it('queues nothing without routes, and nothing in a dry run', async () => {
    const quiet = setup({ [CHECK]: [exec(2, 'CRITICAL - down')] });
    await runCycle(quiet.deps, request([makeCheck({ repair: undefined })], { ticketRoutes: [] }));
    expect(quiet.store.tickets).toEqual([]);
    expect((await quiet.store.openProblems()).length).toBe(1);

    const dry = setup({ [CHECK]: [exec(2, 'CRITICAL - down')] });
    await runCycle(dry.deps, request([makeCheck({ repair: undefined })], { dryRun: true }));
    expect(dry.store.tickets).toEqual([]);
  });

  it('a repair that fixes the check on its first failure opens no ticket', async () => {
    const t = setup({
      [CHECK]: [exec(2, 'CRITICAL - down'), exec(0, 'OK - up')],
      [REPAIR]: [exec(0, 'restarted')],
    });
    await runCycle(t.deps, request([makeCheck({ repair: REPAIR_POLICY })]));
    expect(t.store.tickets).toEqual([]);
  });
});
