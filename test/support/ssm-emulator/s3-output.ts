import { posix } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CommandState, PluginState } from './invocation-state.js';

/*
 * Run Command output in S3 as SSM Agent writes it when SendCommand names OutputS3BucketName: each step that ran
 * writes its whole stdout and stderr (when not empty) to
 *   <OutputS3KeyPrefix>/<CommandId>/<InstanceId>/<action without colons>/<step name without colons>/stdout|stderr
 * (amazon-ssm-agent: run command prefix BuildS3Path(prefix, commandId, instanceId); the IO handler adds the plugin
 * and step names with colons removed), before the step's result is reported. SSM answers the objects as
 * https://s3.<region>.amazonaws.com/<bucket>/<key> (StandardOutputUrl / StandardErrorUrl, filled once the step is
 * done), and each CommandPlugin's OutputS3KeyPrefix as <prefix>/<CommandId>/<InstanceId>/<action without colons>.
 * The emulator writes through @aws-sdk/client-s3 to the S3 it is given (moto in the tests); a write that fails
 * (no such bucket, no access) is logged by the agent and changes nothing else, as here.
 */

/** The S3 the emulated agents write command output to (e.g. moto), path-style. */
export interface EmulatorS3Options {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The bucket's region (as in the URLs SSM answers); default the emulator's region. */
  readonly region?: string;
}

/** SendCommand's output location, as the command keeps it. */
export interface CommandOutputLocation {
  readonly bucket: string;
  readonly keyPrefix: string;
  /** OutputS3Region as sent (deprecated: SSM ignores it and finds the bucket's region itself). */
  readonly requestedRegion: string;
  /** The bucket's region, for the URLs. */
  readonly region: string;
}

export type OutputStream = 'stdout' | 'stderr';

const noColons = (name: string): string => name.replaceAll(':', '');

/** CommandPlugin.OutputS3KeyPrefix: the agent's prefix for the plugin's steps on this instance. */
export function pluginKeyPrefix(command: CommandState, instanceId: string, plugin: PluginState): string {
  const output = command.output;
  if (output === undefined) return '';
  return posix.join(output.keyPrefix, command.id, instanceId, noColons(plugin.action));
}

export function outputKey(
  command: CommandState,
  instanceId: string,
  plugin: PluginState,
  stream: OutputStream,
): string {
  return posix.join(pluginKeyPrefix(command, instanceId, plugin), noColons(plugin.name), stream);
}

/** StandardOutputUrl / StandardErrorUrl of a step: empty without an output bucket, or before the step ran to its end. */
export function outputUrl(
  command: CommandState,
  instanceId: string,
  plugin: PluginState,
  stream: OutputStream,
  done: boolean,
): string {
  const output = command.output;
  if (output === undefined || !done || !plugin.executed) return '';
  const key = outputKey(command, instanceId, plugin, stream).split('/').map(encodeURIComponent).join('/');
  return `https://s3.${output.region}.amazonaws.com/${encodeURIComponent(output.bucket)}/${key}`;
}

/** Writes the full streams of the steps that ran to the command's output bucket. */
export class S3OutputWriter {
  readonly #client: S3Client;
  /** Writes that failed, as the agent would log them (for tests to look at). */
  readonly failures: string[] = [];

  constructor(options: EmulatorS3Options, defaultRegion: string) {
    this.#client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? defaultRegion,
      credentials: { ...options.credentials },
      forcePathStyle: true,
      maxAttempts: 2,
    });
  }

  async write(
    command: CommandState,
    instanceId: string,
    plugin: PluginState,
    streams: Readonly<Record<OutputStream, Uint8Array>>,
  ): Promise<void> {
    const output = command.output;
    if (output === undefined) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const body = streams[stream];
      if (body.length === 0) continue;
      const key = outputKey(command, instanceId, plugin, stream);
      try {
        await this.#client.send(new PutObjectCommand({ Bucket: output.bucket, Key: key, Body: body }));
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        this.failures.push(`s3://${output.bucket}/${key}: ${name}: ${String(error)}`);
      }
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
