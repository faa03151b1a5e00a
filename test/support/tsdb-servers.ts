import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Real time-series stores from Debian, started on free loopback ports in a scratch folder and killed on teardown.
// A missing binary is an error naming the Debian package (the tests fail, they are never skipped).

export const VICTORIA_METRICS_BIN = '/usr/bin/victoria-metrics';
export const INFLUXD_BIN = '/usr/bin/influxd';

/** Safety limits (not performance assertions): how long a server may take to start and to stop. */
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
/** Another process may take a "free" port between our probe and the server's bind: try again with new ports. */
const START_ATTEMPTS = 3;

export interface RunningServer {
  /** Stops the server (SIGTERM, then SIGKILL) and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
  /** The server's own output so far (for failure messages). */
  log(): string;
}

export interface VictoriaMetrics extends RunningServer {
  /** http://127.0.0.1:PORT — Influx line protocol at /write and /api/v2/write, queries at /api/v1/*. */
  readonly url: string;
  /** http://127.0.0.1:PORT — OpenTSDB HTTP /api/put. */
  readonly opentsdbUrl: string;
  /** Makes everything written so far visible to queries. */
  flush(): Promise<void>;
}

export interface InfluxDb extends RunningServer {
  /** http://127.0.0.1:PORT — /write, /query, /ping. */
  readonly url: string;
  /** Runs an InfluxQL statement through /query (POST), failing on an error in the answer. */
  query(q: string, params?: Record<string, string>): Promise<InfluxQueryResult>;
}

export interface InfluxQueryResult {
  readonly results: ReadonlyArray<{
    readonly statement_id: number;
    readonly error?: string;
    readonly series?: ReadonlyArray<{
      readonly name: string;
      readonly columns: readonly string[];
      readonly values: ReadonlyArray<ReadonlyArray<string | number | null>>;
    }>;
  }>;
}

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** Fails with a message saying which Debian package to install when `bin` is missing. */
export function requireBinary(bin: string, debianPackage: string): void {
  try {
    accessSync(bin, constants.X_OK);
  } catch (error) {
    throw new Error(
      `${bin} is missing: install the Debian package with \`apt-get install -y ${debianPackage}\` (as root; ` +
        '.ci/install-test-peers does this). These tests need the real server and fail without it.',
      { cause: error },
    );
  }
}

/** A TCP port nobody listens on right now (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

export function basicAuthHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * VictoriaMetrics single-node (Debian package victoria-metrics), with the OpenTSDB HTTP listener on a second port.
 * With `auth`, every HTTP endpoint requires those Basic credentials.
 */
export async function startVictoriaMetrics(
  options: { auth?: BasicCredentials; ports?: { readonly http: number; readonly opentsdb: number } } = {},
): Promise<VictoriaMetrics> {
  requireBinary(VICTORIA_METRICS_BIN, 'victoria-metrics');
  const auth = options.auth;
  const fixed = options.ports;
  const headers: Record<string, string> = auth ? { authorization: basicAuthHeader(auth) } : {};
  // Fixed ports (a test that points a config at a port first and starts the store there later) get one try.
  const attempt = fixed
    ? (start: () => Promise<VictoriaMetrics>) => start()
    : withFreshPorts<VictoriaMetrics>;
  return attempt(async () => {
    const [httpPort, opentsdbPort] = fixed
      ? [fixed.http, fixed.opentsdb]
      : [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${httpPort}`;
    const args = [
      `-httpListenAddr=127.0.0.1:${httpPort}`,
      `-opentsdbHTTPListenAddr=127.0.0.1:${opentsdbPort}`,
      '-retentionPeriod=1y',
      '-search.disableCache',
      // Points written a moment ago are visible to queries at once (the default hides the last 30 s).
      '-search.latencyOffset=0s',
      '-loggerLevel=WARN',
      // Keeps one sample per series and millisecond: a batch resent after a timeout is not counted twice (the
      // setting HealOps recommends; without it VictoriaMetrics stores both copies).
      '-dedup.minScrapeInterval=1ms',
      ...(auth ? [`-httpAuth.username=${auth.username}`, `-httpAuth.password=${auth.password}`] : []),
    ];
    const server = await launch('victoria-metrics', VICTORIA_METRICS_BIN, args, (dir) => [
      `-storageDataPath=${join(dir, 'data')}`,
    ]);
    try {
      await server.waitUntil(async () => {
        const response = await fetch(`${url}/health`, { headers });
        return response.ok && (await response.text()).trim() === 'OK';
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      url,
      opentsdbUrl: `http://127.0.0.1:${opentsdbPort}`,
      stop: server.stop,
      log: server.log,
      async flush() {
        const response = await fetch(`${url}/internal/force_flush`, { headers });
        if (!response.ok) throw new Error(`force_flush: HTTP ${response.status} ${await response.text()}`);
      },
    };
  });
}

/**
 * InfluxDB 1.x (Debian package influxdb) with every folder in a scratch dir, reporting and self-monitoring off.
 * With `auth`, authentication is on and `auth` is created as the admin user.
 */
export async function startInfluxDb(options: { auth?: BasicCredentials } = {}): Promise<InfluxDb> {
  requireBinary(INFLUXD_BIN, 'influxdb');
  const auth = options.auth;
  return withFreshPorts(async () => {
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${httpPort}`;
    const server = await launch('influxd', INFLUXD_BIN, [], (dir) => {
      const config = join(dir, 'influxdb.conf');
      writeFileSync(config, influxConfig(dir, httpPort, rpcPort, auth !== undefined));
      return ['run', '-config', config];
    });
    try {
      await server.waitUntil(async () => (await fetch(`${url}/ping`)).status === 204);
      if (auth) {
        // With no user yet, InfluxDB lets this one statement through without credentials.
        await influxQuery(
          url,
          `CREATE USER "${auth.username}" WITH PASSWORD '${auth.password.replaceAll("'", "\\'")}' WITH ALL PRIVILEGES`,
          {},
          undefined,
        );
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      url,
      stop: server.stop,
      log: server.log,
      query: (q, params = {}) => influxQuery(url, q, params, auth),
    };
  });
}

async function influxQuery(
  url: string,
  q: string,
  params: Record<string, string>,
  auth: BasicCredentials | undefined,
): Promise<InfluxQueryResult> {
  const response = await fetch(`${url}/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth ? { authorization: basicAuthHeader(auth) } : {}),
    },
    body: new URLSearchParams({ q, ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`InfluxDB /query ${q}: HTTP ${response.status} ${text}`);
  const result = JSON.parse(text) as InfluxQueryResult;
  const failed = result.results.find((r) => r.error !== undefined);
  if (failed) throw new Error(`InfluxDB /query ${q}: ${failed.error}`);
  return result;
}

function influxConfig(dir: string, httpPort: number, rpcPort: number, authEnabled: boolean): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${authEnabled}
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[continuous_queries]
  enabled = false
`;
}

interface Launched extends RunningServer {
  /** Polls `ready` until it returns true; fails when the server exits first or the safety limit passes. */
  waitUntil(ready: () => Promise<boolean>): Promise<void>;
}

class PortTakenError extends Error {}

async function withFreshPorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function launch(
  name: string,
  bin: string,
  args: readonly string[],
  argsInDir: (dir: string) => string[],
): Promise<Launched> {
  const dir = mkdtempSync(join(tmpdir(), `healops-${name}-`));
  const child: ChildProcess = spawn(bin, [...argsInDir(dir), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  // A test run that dies (or forgets to stop) must not leave the server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', killOnExit);
      if (exited === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  return {
    stop,
    log: () => output,
    async waitUntil(ready) {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let lastError: unknown;
      while (Date.now() < deadline) {
        if (exited !== undefined) {
          await stop();
          const message = `${name} ${exited} before it was ready:\n${output}`;
          throw /address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
        }
        try {
          if (await ready()) return;
        } catch (error) {
          lastError = error;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
      await stop();
      throw new Error(
        `${name} not ready after ${READY_TIMEOUT_MS} ms (last error: ${String(lastError)}):\n${output}`,
        {
          cause: lastError,
        },
      );
    },
  };
}
