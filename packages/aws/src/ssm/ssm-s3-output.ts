import { posix } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { SSM_WINDOWS_STEP } from '@healops/core';
import { decodeCapped } from './ssm-output-bytes.js';

/*
 * A command's full output in S3. With OutputS3BucketName on SendCommand, SSM Agent writes each step's whole stdout
 * and stderr (when not empty) to
 *   <OutputS3KeyPrefix>/<CommandId>/<InstanceId>/<action without colons>/<step name without colons>/stdout|stderr
 * (amazon-ssm-agent: the run command prefix is BuildS3Path(prefix, commandId, instanceId); the IO handler adds the
 * plugin and the step name, colons removed), and SSM answers the object as
 * https://s3.<region>.amazonaws.com/<bucket>/<key> in StandardOutputUrl / StandardErrorUrl (GetCommandInvocation,
 * and each CommandPlugin of ListCommandInvocations with Details).
 */

/** Where SSM writes every invocation's full output (SendCommand OutputS3BucketName / OutputS3KeyPrefix). */
export interface SsmOutputBucket {
  readonly bucket: string;
  /** The "folder" in the bucket (at most 500 characters); none = keys start with the command id. */
  readonly keyPrefix?: string;
  /**
   * Reads the objects (GetObject with a Range); its region must be the bucket's. A function is called on the first
   * read only: the S3 client then loads when an output is long, not at every cold start.
   */
  readonly s3: S3Client | (() => Promise<S3Client>);
  /** Safety limit of one read (default 10 s). */
  readonly timeoutMs?: number;
}

export type SsmStream = 'stdout' | 'stderr';

/** One step's output on one instance. */
export interface SsmOutputLocation {
  readonly commandId: string;
  readonly instanceId: string;
  /** The step name (CommandPlugin.Name of a schema 2.2 document). */
  readonly stepName: string;
}

export type SsmOutputRead =
  | { readonly ok: true; readonly text: string; readonly truncated: boolean }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_TIMEOUT_MS = 10_000;

const noColons = (name: string): string => name.replaceAll(':', '');

/** The key SSM Agent writes a step's stream to, for the steps of HealOps package documents. */
export function ssmOutputKey(output: SsmOutputBucket, where: SsmOutputLocation, stream: SsmStream): string {
  const action = where.stepName === SSM_WINDOWS_STEP ? 'aws:runPowerShellScript' : 'aws:runShellScript';
  return posix.join(
    output.keyPrefix ?? '',
    where.commandId,
    where.instanceId,
    noColons(action),
    noColons(where.stepName),
    stream,
  );
}

/**
 * The object key in an SSM output URL of `bucket`, path-style (https://s3.<region>.amazonaws.com/<bucket>/<key>) or
 * virtual-hosted (https://<bucket>.s3.<region>.amazonaws.com/<key>); undefined when the URL is empty, unreadable or
 * names another bucket.
 */
export function keyFromOutputUrl(url: string | undefined, bucket: string): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  let keySegments: string[];
  if (parsed.hostname.startsWith(`${bucket}.`)) keySegments = segments;
  else if (segments[0] !== undefined && decodeURIComponent(segments[0]) === bucket)
    keySegments = segments.slice(1);
  else return undefined;
  try {
    const key = keySegments.map((s) => decodeURIComponent(s)).join('/');
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

/**
 * The first `maxBytes` of an output object (one ranged GetObject: maxBytes + 1 bytes tell whether there is more),
 * decoded as UTF-8 without splitting a character. Failures come back as a reason, never thrown.
 */
export async function readSsmOutput(
  output: SsmOutputBucket,
  key: string,
  maxBytes: number,
): Promise<SsmOutputRead> {
  const bound = Math.max(0, Math.floor(maxBytes));
  try {
    const [{ GetObjectCommand }, s3] = await Promise.all([
      import('@aws-sdk/client-s3'),
      typeof output.s3 === 'function' ? output.s3() : output.s3,
    ]);
    const response = await s3.send(
      new GetObjectCommand({ Bucket: output.bucket, Key: key, Range: `bytes=0-${bound}` }),
      { abortSignal: AbortSignal.timeout(output.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
    );
    if (response.Body === undefined) return { ok: false, reason: 'GetObject answered no body' };
    const bytes = await response.Body.transformToByteArray();
    const decoded = decodeCapped(bytes, bound);
    return { ok: true, text: decoded.text, truncated: decoded.cut };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `${name}: ${message}` };
  }
}
