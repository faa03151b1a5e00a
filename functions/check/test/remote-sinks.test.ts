import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_VERSION, type DeployedSinkConfig, HEALOPS_DETAIL_TYPES, METRIC } from '@healops/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { instanceId, stateDir } from '../../../packages/aws/test/support/repair-fixture.js';
import { type SsmEmulator, startSsmEmulator } from '../../../test/support/ssm-emulator/index.js';
import {
  basicAuthHeader,
  freePort,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/tsdb-servers.js';
import { CREDENTIALS, REGION, useNotifyMoto } from '../../notify/test/support/notify-moto.js';
import { checkDepsFromEnv } from '../src/check-env.js';
import { type CheckHandler, createCheckHandler } from '../src/check-handler.js';
import { capturedOutput } from './support/captured-output.js';
import { bundlePackage, CHECK_SCHEDULE, DOCUMENT, PACKAGE } from './support/check-fixture.js';
import { ran } from './support/check-results.js';
import { checkContext } from './support/check-world.js';
import { createHealOpsBus, type HealOpsBus } from './support/healops-bus.js';

// The deployed check function writing to the config's influx sink: checkDepsFromEnv builds it from the bundle's
// `metrics` exactly as in Lambda (the password a secretsmanager: reference resolved through AwsSecretResolver from
// Secrets Manager on moto), a scheduled invocation runs the package on two hosts through the SSM emulator, and a
// real VictoriaMetrics (Debian package victoria-metrics, Basic auth on) holds the points afterwards. Without moto or
// VictoriaMetrics every test fails, naming what is missing.

const moto = useNotifyMoto();
const AUTH = { username: 'healops', password: `vm-${randomUUID()}` };

let emulator: SsmEmulator | undefined;
let bus: HealOpsBus | undefined;
const servers: VictoriaMetrics[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startSsmEmulator({ timeScale: 0.01 });
  emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
  bus = await createHealOpsBus(moto.clientConfig(), { check: [HEALOPS_DETAIL_TYPES.checkContinue] });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  bus?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

beforeEach(() => {
  // What the Lambda runtime gives the function; the SDK (and Powertools Parameters) read them.
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', moto.clientConfig().endpoint);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function victoriaMetrics(ports?: { http: number; opentsdb: number }): Promise<VictoriaMetrics> {
  const vm = await startVictoriaMetrics({ auth: AUTH, ...(ports ? { ports } : {}) });
  servers.push(vm);
  return vm;
}

interface Deployed {
  readonly handler: CheckHandler;
  readonly hosts: readonly string[];
}

/** Two hosts (the first one up), and the check function built from its environment on a bundle with `metrics`. */
async function deploy(metrics: readonly DeployedSinkConfig[]): Promise<Deployed> {
  const ssm = emulator;
  if (ssm === undefined || bus === undefined) throw new Error('the SSM emulator or the bus did not start');
  const hosts: string[] = [];
  for (const up of [true, false]) {
    const id = instanceId(0x500 + dirs.length);
    const dir = await stateDir();
    dirs.push(dir);
    if (up) await writeFile(join(dir, 'up'), '');
    ssm.addInstance({
      instanceId: id,
      platform: 'linux',
      tags: { Role: 'web' },
      env: { SVC_STATE_DIR: dir },
    });
    hosts.push(id);
  }
  const dir = await mkdtemp(join(tmpdir(), 'healops-remote-sinks-'));
  dirs.push(dir);
  const bundlePath = join(dir, 'healops-bundle.json');
  const pkg = bundlePackage({ type: 'instanceIds', instanceIds: hosts });
  await writeFile(
    bundlePath,
    JSON.stringify({ version: BUNDLE_VERSION, packages: [pkg], tickets: [], metrics }),
  );
  const store = await moto.store();
  const { endpoint } = moto.clientConfig();
  const handler = createCheckHandler(
    checkDepsFromEnv({
      HEALOPS_BUNDLE_PATH: bundlePath,
      HEALOPS_TABLE_NAME: store.tableName,
      HEALOPS_EVENT_BUS_NAME: bus.name,
      HEALOPS_DYNAMODB_ENDPOINT: endpoint,
      HEALOPS_EVENTS_ENDPOINT: endpoint,
      HEALOPS_SSM_ENDPOINT: ssm.endpoint,
      AWS_REGION: REGION,
    }),
  );
  return { handler, hosts };
}

/** One manual invocation (no scheduledTime: no idempotency needed), with what the function wrote to stdout/stderr. */
async function invoke(handler: CheckHandler): Promise<{ counts: unknown; lines: string[] }> {
  const { value, lines } = await capturedOutput(async () =>
    ran(await handler({ package: PACKAGE, schedule: CHECK_SCHEDULE }, checkContext())),
  );
  return { counts: value.counts, lines };
}

/** The EMF documents of the function's stdout that carry `metric` for the sink `sink`. */
function emfValues(lines: readonly string[], metric: string, sink: string): unknown[] {
  return lines
    .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((doc) => doc.sink === sink && metric in doc)
    .map((doc) => doc[metric]);
}

/** Samples of healops.check.status per target, as VictoriaMetrics exports them. */
async function statusSamples(vm: VictoriaMetrics): Promise<Record<string, Array<[number, number]>>> {
  await vm.flush();
  const query = new URLSearchParams({
    'match[]': `{__name__="${METRIC.checkStatus}_value",package="${PACKAGE}"}`,
  });
  const response = await fetch(`${vm.url}/api/v1/export?${query}`, {
    headers: { authorization: basicAuthHeader(AUTH) },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`export: HTTP ${response.status} ${text}`);
  const byTarget: Record<string, Array<[number, number]>> = {};
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const row = JSON.parse(line) as {
      metric: Record<string, string>;
      values: number[];
      timestamps: number[];
    };
    const target = row.metric.target ?? '?';
    byTarget[target] = row.timestamps.map((t, i): [number, number] => [t, row.values[i] ?? Number.NaN]);
  }
  return byTarget;
}

describe('the check function with the config influx sink', () => {
  it('delivers an invocation points to VictoriaMetrics, its password read from Secrets Manager', async () => {
    const vm = await victoriaMetrics();
    const secret = await moto.secret(AUTH.password);
    const { handler, hosts } = await deploy([
      {
        type: 'influx',
        url: `${vm.url}/write`,
        username: AUTH.username,
        password: `secretsmanager:${secret}`,
      },
    ]);
    const before = Date.now();
    const { lines } = await invoke(handler);
    const after = Date.now();

    const samples = await statusSamples(vm);
    expect(Object.keys(samples).sort()).toEqual([...hosts].sort());
    expect(samples[hosts[0] ?? '']?.map(([, v]) => v)).toEqual([0]);
    expect(samples[hosts[1] ?? '']?.map(([, v]) => v)).toEqual([2]);
    for (const [time] of Object.values(samples).flat()) {
      expect(time).toBeGreaterThanOrEqual(before - 1);
      expect(time).toBeLessThanOrEqual(after);
    }
    // Everything was taken: the same invocation's EMF says so; the password is in no log line.
    expect(emfValues(lines, METRIC.sinkPending, 'influx')).toEqual([0]);
    expect(emfValues(lines, METRIC.sinkDropped, 'influx')).toEqual([0]);
    expect(lines.filter((l) => l.includes(AUTH.password))).toEqual([]);
  });

  it('keeps what a down store missed and delivers it with the next invocation of the same environment', async () => {
    const ports = { http: await freePort(), opentsdb: await freePort() };
    const secret = await moto.secret(AUTH.password);
    const { handler, hosts } = await deploy([
      {
        type: 'influx',
        name: 'vm',
        url: `http://127.0.0.1:${ports.http}/write`,
        username: AUTH.username,
        password: `secretsmanager:${secret}`,
      },
    ]);

    const first = await invoke(handler);
    const [pending] = emfValues(first.lines, METRIC.sinkPending, 'vm') as [number];
    expect(pending).toBeGreaterThan(0);
    expect(emfValues(first.lines, METRIC.sinkDropped, 'vm')).toEqual([0]);
    const warning = first.lines.find((l) =>
      l.includes('metrics sink vm: points not delivered by this invocation'),
    );
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'WARN', sink: 'vm', pending, dropped: 0 });

    const vm = await victoriaMetrics(ports);
    // BufferedSink waits its first backoff (5 s) after a failure before it tries the kept points again.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const second = await invoke(handler);
    expect(emfValues(second.lines, METRIC.sinkPending, 'vm')).toEqual([0]);
    const samples = await statusSamples(vm);
    expect(samples[hosts[0] ?? '']?.map(([, v]) => v)).toEqual([0, 0]);
    expect(samples[hosts[1] ?? '']?.map(([, v]) => v)).toEqual([2, 2]);
    expect([...first.lines, ...second.lines].filter((l) => l.includes(AUTH.password))).toEqual([]);
  }, 60_000);

  it('counts and logs the points of a sink whose secret cannot be read, and the invocation still succeeds', async () => {
    const { handler } = await deploy([
      {
        type: 'influx',
        url: 'http://127.0.0.1:9/write',
        username: AUTH.username,
        password: 'secretsmanager:healops/no-such-secret',
      },
    ]);
    const { lines } = await invoke(handler);
    const failure = lines.find((l) => l.includes('metrics sink influx cannot be used'));
    expect(JSON.parse(failure ?? '{}')).toMatchObject({
      level: 'ERROR',
      sink: 'influx',
      reason: expect.stringContaining('healops/no-such-secret does not exist'),
    });
    const [dropped] = emfValues(lines, METRIC.sinkDropped, 'influx') as [number];
    expect(dropped).toBeGreaterThan(0);
    expect(emfValues(lines, METRIC.sinkPending, 'influx')).toEqual([0]);
  });
});
