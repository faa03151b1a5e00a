import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO } from './cli.js';
import { type SerialDynamoProxy, startSerialDynamoProxy } from './serial-dynamo-proxy.js';

/*
 * moto's stand-alone server (PyPI `moto[server]`, installed into the project venv .venv/ by
 * .ci/install-test-peers) on a loopback port, for tests that talk to it through the real AWS SDK. Missing moto is a
 * failure with the command that installs it, never a skip.
 */

export const MOTO_SERVER = join(REPO, '.venv', 'bin', 'moto_server');

export function missingMotoMessage(): string {
  return `moto_server not found at ${MOTO_SERVER}: run \`bash .ci/install-test-peers\` (it creates .venv and pip installs moto[server])`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class MotoServer {
  /** moto itself. */
  readonly #direct: string;
  /** What the tests talk to: moto behind a proxy that gives DynamoDB writes their atomicity (serial-dynamo-proxy). */
  #proxy: SerialDynamoProxy | undefined;
  readonly #child: ChildProcess;
  #output = '';

  get endpoint(): string {
    return this.#proxy?.endpoint ?? this.#direct;
  }

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.#direct = `http://127.0.0.1:${port}`;
    child.stdout?.on('data', (d: Buffer) => {
      this.#output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.#output += d.toString();
    });
  }

  /** Starts moto_server on a free loopback port and waits until it answers (safety limit `timeoutMs`). */
  static async start(timeoutMs = 30_000): Promise<MotoServer> {
    if (!existsSync(MOTO_SERVER)) throw new Error(missingMotoMessage());
    const port = await freePort();
    const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const moto = new MotoServer(child, port);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${moto.#output}`,
        );
      }
      try {
        const res = await fetch(`${moto.#direct}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          moto.#proxy = await startSerialDynamoProxy(moto.#direct);
          return moto;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await moto.stop();
        throw new Error(
          `moto_server did not answer on ${moto.endpoint} within ${timeoutMs} ms:\n${moto.#output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** moto's view of every backend (`/moto-api/data.json`). */
  async data(): Promise<Record<string, Record<string, unknown[]>>> {
    const res = await fetch(`${this.#direct}/moto-api/data.json`);
    if (!res.ok) throw new Error(`moto data.json answered ${res.status}`);
    return (await res.json()) as Record<string, Record<string, unknown[]>>;
  }

  async reset(): Promise<void> {
    const res = await fetch(`${this.#direct}/moto-api/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
  }

  async stop(): Promise<void> {
    await this.#proxy?.close();
    this.#proxy = undefined;
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
