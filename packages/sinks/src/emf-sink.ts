import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import {
  type BatchTransport,
  buildEmfDocuments,
  type DeliveryResult,
  EMF_DEFAULT_NAMESPACE,
  type EmfOptions,
  type EmfSinkConfig,
  emfNamespaceProblem,
  type MetricPoint,
  type MetricsSink,
  type SinkHealth,
  TransportError,
} from '@healops/core';
import { SinkConfigError } from './errors.js';

export interface EmfSinkOptions {
  /** Identifies the sink in logs and healops.sink.* metrics (default 'emf'). */
  readonly name?: string;
  /** Where lines go when the config has no `path` (default process.stdout). */
  readonly stdout?: Writable;
  /** The base sets of `dimensions: full` (default EMF_DIMENSION_SETS of @healops/core). */
  readonly dimensionSets?: ReadonlyArray<readonly string[]>;
  /** Told about every point that cannot be expressed in EMF; never throws into the sink. */
  readonly onProblem?: (message: string) => void;
}

/** Each write() carries whole lines and at most this many bytes (unless one line is longer), so lines of concurrent
 * writers appending to the same file never interleave. */
const WRITE_CHUNK_BYTES = 64 * 1024;

/**
 * CloudWatch Embedded Metric Format lines, one JSON document per line, appended to a file (opened with O_APPEND,
 * created with mode 0600, its directory with 0700) or written to stdout, for the CloudWatch agent or a Lambda log
 * stream to pick up. Nothing remote can fail here, so the CLI can use it directly as a MetricsSink (points EMF cannot
 * express are reported and counted as dropped); it is also a BatchTransport for anyone who wants it behind the
 * outbox: an I/O failure (disk full, no permission) is a retryable TransportError, since the batch itself is fine.
 */
export class EmfSink implements MetricsSink, BatchTransport {
  readonly name: string;
  readonly maxBatch = 10_000;
  readonly path: string | undefined;
  readonly #emf: EmfOptions;
  readonly #options: EmfSinkOptions;
  #dropped = 0;

  /** `config.dimensions` defaults to `full`: every point with its complete dimension set, as before the option. */
  constructor(config: EmfSinkConfig, options: EmfSinkOptions = {}) {
    this.name = options.name ?? 'emf';
    const namespace = config.namespace ?? EMF_DEFAULT_NAMESPACE;
    const problem = emfNamespaceProblem(namespace);
    if (problem !== undefined) {
      throw new SinkConfigError(
        `metrics sink ${this.name}: namespace ${JSON.stringify(namespace)} ${problem}`,
      );
    }
    this.path = config.path === undefined ? undefined : resolve(config.path);
    this.#options = options;
    this.#emf = {
      namespace,
      dimensions: config.dimensions ?? 'full',
      ...(options.dimensionSets !== undefined ? { dimensionSets: options.dimensionSets } : {}),
    };
    try {
      buildEmfDocuments([], this.#emf);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SinkConfigError(`metrics sink ${this.name}: ${message}`, { cause: error });
    }
  }

  async send(points: readonly MetricPoint[], signal?: AbortSignal): Promise<DeliveryResult> {
    const { documents, rejected } = buildEmfDocuments(points, this.#emf);
    if (documents.length > 0) {
      const lines = documents.map((document) => `${JSON.stringify(document)}\n`);
      try {
        signal?.throwIfAborted();
        if (this.path === undefined) {
          await writeToStream(this.#options.stdout ?? process.stdout, lines.join(''));
        } else {
          await appendToFile(this.path, lines);
        }
      } catch (error) {
        const where = this.path ?? 'stdout';
        const message = error instanceof Error ? error.message : String(error);
        throw new TransportError(`EMF lines could not be written to ${where}: ${message}`, {
          retryable: true,
          cause: error,
        });
      }
    }
    return { rejected };
  }

  /** Writes at once; throws TransportError when the file or stream cannot be written. */
  async write(points: readonly MetricPoint[]): Promise<void> {
    let rejected: DeliveryResult['rejected'];
    try {
      ({ rejected } = await this.send(points));
    } catch (error) {
      // Nothing buffers EMF lines: points that could not be written are lost, and counted as such.
      this.#dropped += points.length;
      throw error;
    }
    this.#dropped += rejected.length;
    for (const { index, reason } of rejected) {
      this.#problem(`point ${index} (${points[index]?.name ?? '?'}) cannot be written as EMF: ${reason}`);
    }
  }

  async flush(): Promise<void> {}

  /** Nothing is ever pending; `dropped` counts points refused since the previous call. */
  async health(): Promise<SinkHealth> {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return { pending: 0, dropped };
  }

  #problem(message: string): void {
    try {
      this.#options.onProblem?.(`metrics sink ${this.name}: ${message}`);
    } catch {
      // Reporting must never break writing.
    }
  }
}

async function appendToFile(path: string, lines: readonly string[]): Promise<void> {
  const handle = await openForAppend(path);
  try {
    for (const chunk of chunkLines(lines)) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    }
  } finally {
    await handle.close();
  }
}

async function openForAppend(path: string) {
  try {
    return await open(path, 'a', 0o600);
  } catch (error) {
    if (!isErrnoError(error) || error.code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return await open(path, 'a', 0o600);
  }
}

/** Whole lines packed into buffers of at most WRITE_CHUNK_BYTES (a longer line gets a buffer of its own). */
function chunkLines(lines: readonly string[]): Buffer[] {
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.from(line, 'utf8');
    if (size > 0 && size + bytes.length > WRITE_CHUNK_BYTES) {
      chunks.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
    pending.push(bytes);
    size += bytes.length;
  }
  if (size > 0) chunks.push(Buffer.concat(pending));
  return chunks;
}

function writeToStream(stream: Writable, text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    stream.once('error', onError);
    stream.write(text, (error) => {
      stream.off('error', onError);
      if (error) {
        reject(error);
      } else {
        resolvePromise();
      }
    });
  });
}

function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
