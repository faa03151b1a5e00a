import {
  type BundlePackage,
  type FleetHandle,
  type FleetResult,
  parseManifest,
  type ResolvedCheck,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSsmClient, SsmFleetExecutor, SsmRunner } from '../../packages/aws/src/index.js';
import { type SsmEmulator, startSsmEmulator } from '../support/ssm-emulator/index.js';
import { CREDENTIALS, instanceId } from './ssm-emulator-kit.js';

// The check path's fleet executor against the SSM emulator, with a document generated from a package: one command
// per check per 50 ids, the blast radius and timeouts as sent, HEALOPS_TARGET set by each host itself.

const MANIFEST = `name: web
version: 1.0.0
checks:
  - name: nginx-up
    script: checks/nginx-up.sh
    timeout: 10m
stats:
  - name: conns
    command: [/bin/echo, "CONNS OK | conns=7"]
`;
const CHECK = `#!/bin/sh
echo "NGINX OK - target [$HEALOPS_TARGET] check [$HEALOPS_CHECK] | up=1"
`;

const parsed = parseManifest(MANIFEST, 'web/healops.yaml');
if (!parsed.value) throw new Error('fixture manifest does not parse');
const DOCUMENT = ssmCommandDocument({
  package: 'web',
  version: '1.0.0',
  jobs: ssmJobsOf(parsed.value),
  files: [{ relativePath: 'checks/nginx-up.sh', content: CHECK, platform: 'any' }],
});

function resolved(name: string, kind: 'check' | 'stats', timeoutMs: number): ResolvedCheck {
  return {
    kind,
    package: 'web',
    packageVersion: '1.0.0',
    name,
    environment: 'test',
    command: { argv: ['checks/nginx-up.sh'], fromPackage: true, display: 'checks/nginx-up.sh' },
    schedule: 'rate(5 minutes)',
    timeoutMs,
    failAfter: 1,
    unknownAfter: 3,
    failOn: 'critical',
    severity: 'critical',
    platform: 'any',
    dependsOn: [],
    maintenance: [],
    flap: { enabled: true, low: 20, high: 30 },
    reportOnly: false,
    env: {},
    packageDir: '/pkg',
  };
}

// timeScale 0.01: 600 s of execution timeout last 6 s here; the timeouts round up to whole seconds.
const CHECKS = [resolved('nginx-up', 'check', 599_500), resolved('conns', 'stats', 300_001)];

function bundlePackage(targets: BundlePackage['targets']): BundlePackage {
  return {
    name: 'web',
    version: '1.0.0',
    document: { name: DOCUMENT.name, versionName: DOCUMENT.versionName },
    targets,
    blastRadius: { maxConcurrency: '20', maxErrors: '5' },
    checks: CHECKS,
  };
}

let emulator: SsmEmulator;
beforeEach(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
});
afterEach(async () => {
  await emulator.close();
});

function executor(): SsmFleetExecutor {
  const client = createSsmClient({ endpoint: emulator.endpoint, region: 'us-east-1' });
  client.config.credentials = async () => CREDENTIALS;
  return new SsmFleetExecutor(new SsmRunner(client), { deliveryTimeoutSeconds: 30 });
}

async function pollAll(fleet: SsmFleetExecutor, start: FleetHandle): Promise<FleetResult[]> {
  const results: FleetResult[] = [];
  let handle = start;
  for (let pass = 0; pass < 500 && handle.commands.length > 0; pass++) {
    const poll = await fleet.poll(handle);
    results.push(...poll.results);
    handle = poll.handle;
    if (handle.commands.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(handle.commands).toEqual([]);
  return results;
}

const env = (check: ResolvedCheck) => ({
  HEALOPS_CHECK: check.name,
  HEALOPS_TARGET: 'must-not-be-sent',
});

describe('SsmFleetExecutor on the SSM emulator', () => {
  it('sends one command per job per 50 ids with the blast radius and timeouts; every host names itself', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => instanceId(i + 1));
    for (const id of ids) emulator.addInstance({ instanceId: id, platform: 'linux' });
    const fleet = executor();
    const handle = await fleet.start(bundlePackage({ type: 'instanceIds', instanceIds: ids }), CHECKS, env);
    expect(handle.commands.map((c) => [c.check, c.targetCount])).toEqual([
      ['nginx-up', 50],
      ['nginx-up', 10],
      ['conns', 50],
      ['conns', 10],
    ]);
    expect(emulator.calls.SendCommand).toBe(4);
    const sent = emulator.commands[0];
    expect(sent).toMatchObject({ maxConcurrency: '20', maxErrors: '5', timeoutSeconds: 30 });
    expect(sent?.parameters).toMatchObject({ job: ['check:nginx-up'], executionTimeout: ['600'] });
    expect(emulator.commands[2]?.parameters).toMatchObject({
      job: ['stats:conns'],
      executionTimeout: ['301'],
    });

    const results = await pollAll(fleet, handle);
    expect(results).toHaveLength(120);
    expect(new Set(results.map((r) => `${r.check}/${r.target}`)).size).toBe(120);
    const first = results.find((r) => r.check === 'nginx-up' && r.target === instanceId(7));
    expect(first?.exec).toMatchObject({ exitCode: 0 });
    expect(first?.exec.stdout).toContain(`NGINX OK - target [${instanceId(7)}] check [nginx-up]`);
    expect(first?.startedAt).toBe(handle.commands[0]?.requestedAt);
  });

  it('sends one command per job for a tag target, and reports an offline host as not run', async () => {
    emulator.addInstance({ instanceId: instanceId(1), platform: 'linux', tags: { Role: 'web' } });
    emulator.addInstance({
      instanceId: instanceId(2),
      platform: 'linux',
      tags: { Role: 'web' },
      online: false,
    });
    emulator.addInstance({ instanceId: instanceId(3), platform: 'linux', tags: { Role: 'db' } });
    const fleet = executor();
    const handle = await fleet.start(bundlePackage({ type: 'tags', tags: { Role: ['web'] } }), CHECKS, env);
    expect(handle.commands).toHaveLength(2);
    const results = await pollAll(fleet, handle);
    const byTarget = new Map(results.filter((r) => r.check === 'nginx-up').map((r) => [r.target, r.exec]));
    expect([...byTarget.keys()].sort()).toEqual([instanceId(1), instanceId(2)]);
    expect(byTarget.get(instanceId(2))?.spawnError).toMatch(/DeliveryTimedOut/);
  });

  it('hands out again, after a continuation dropped the hosts seen, only what the handle still lists', async () => {
    for (let i = 1; i <= 3; i++) emulator.addInstance({ instanceId: instanceId(i), platform: 'linux' });
    const fleet = executor();
    const handle = await fleet.start(
      bundlePackage({ type: 'instanceIds', instanceIds: [1, 2, 3].map(instanceId) }),
      CHECKS.slice(0, 1),
      env,
    );
    await emulator.waitForIdle();
    const stripped: FleetHandle = {
      ...handle,
      commands: handle.commands.map(({ seen: _seen, ...c }) => c),
    };
    const poll = await fleet.poll(stripped);
    expect(poll.results).toHaveLength(3);
    expect(poll.handle.commands).toEqual([]);
    expect((await fleet.poll(poll.handle)).results).toEqual([]);
  });

  it('lists the invocations of a command only when its completed count grew, and each finished one once', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => instanceId(i + 1));
    for (const id of ids) emulator.addInstance({ instanceId: id, platform: 'linux' });
    for (const id of ids.slice(50)) emulator.setLatency(id, 4_000);
    const fleet = executor();
    const handle = await fleet.start(
      bundlePackage({ type: 'instanceIds', instanceIds: ids }),
      CHECKS.slice(0, 1),
      env,
    );
    const [fast, slow] = handle.commands;
    for (let i = 0; i < 200 && emulator.commands[0]?.completedCount !== 50; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emulator.commands[1]?.completedCount).toBe(0);

    const listed = () => ({ ...emulator.calls });
    const before = listed();
    const first = await fleet.poll(handle);
    expect(first.results.map((r) => r.target).sort()).toEqual(ids.slice(0, 50).sort());
    expect(first.handle.commands.map((c) => c.commandId)).toEqual([slow?.commandId]);
    expect(emulator.calls.ListCommands - before.ListCommands).toBe(1);
    expect(emulator.calls.ListCommandInvocations - before.ListCommandInvocations).toBe(1);

    const idle = listed();
    const second = await fleet.poll(first.handle);
    expect(second.results).toEqual([]);
    expect(second.pending).toBe(10);
    expect(emulator.calls.ListCommands - idle.ListCommands).toBe(1);
    expect(emulator.calls.ListCommandInvocations - idle.ListCommandInvocations).toBe(0);

    await emulator.waitForIdle();
    const last = listed();
    const third = await fleet.poll(second.handle);
    expect(third.results.map((r) => r.target).sort()).toEqual(ids.slice(50).sort());
    expect(third.handle.commands).toEqual([]);
    expect(emulator.calls.ListCommandInvocations - last.ListCommandInvocations).toBe(1);
    expect(fast?.commandId).not.toBe(slow?.commandId);
  });

  it('collects, as before, a command ListCommands does not show, also from an executor that did not send it', async () => {
    for (let i = 1; i <= 3; i++) emulator.addInstance({ instanceId: instanceId(i), platform: 'linux' });
    const handle = await executor().start(
      bundlePackage({ type: 'instanceIds', instanceIds: [1, 2, 3].map(instanceId) }),
      CHECKS,
      env,
    );
    await emulator.waitForIdle();
    // Sent "in an hour" by a skewed clock: InvokedAfter leaves the commands out of ListCommands.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const odd: FleetHandle = {
      ...handle,
      commands: handle.commands.map((c) => ({ ...c, requestedAt: later })),
    };
    const before = { ...emulator.calls };
    const poll = await executor().poll(odd);
    expect(poll.results.map((r) => `${r.check}/${r.target}`).sort()).toEqual(
      ['conns', 'nginx-up'].flatMap((c) => [1, 2, 3].map((i) => `${c}/${instanceId(i)}`)).sort(),
    );
    expect(poll.handle.commands).toEqual([]);
    expect(emulator.calls.ListCommands - before.ListCommands).toBe(1);
    expect(emulator.calls.ListCommandInvocations - before.ListCommandInvocations).toBe(2);
  });
});
