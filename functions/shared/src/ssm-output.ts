import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SsmOutputBucket } from '@healops/aws';
import { SSM_OUTPUT_PREFIX } from '@healops/core';

export { SSM_OUTPUT_PREFIX };

/** What SsmRunner and SsmExecutor take for command output beyond GetCommandInvocation's 24,000 characters. */
export interface SsmOutputOptions {
  readonly output?: SsmOutputBucket;
  readonly onOutputProblem: (message: string) => void;
}

/**
 * From HEALOPS_OUTPUT_BUCKET (and HEALOPS_S3_ENDPOINT, tests only): commands write their full output to the bucket
 * under SSM_OUTPUT_PREFIX and long outputs are read back from it. Unset: outputs stop at SSM's 24,000 characters
 * (marked truncated). A failed read is logged as a warning; the cut text stands.
 */
export function ssmOutputFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  region: string | undefined,
  logger: Logger,
): SsmOutputOptions {
  const onOutputProblem = (message: string) =>
    logger.warn('command output not read from S3', { reason: message });
  const bucket = env.HEALOPS_OUTPUT_BUCKET;
  if (bucket === undefined || bucket === '') return { onOutputProblem };
  const endpoint = env.HEALOPS_S3_ENDPOINT;
  // Built on the first long output: the S3 client stays out of the cold start (its chunk loads then).
  let client: Promise<S3Client> | undefined;
  const s3 = () => {
    client ??= import('@aws-sdk/client-s3').then(
      ({ S3Client }) =>
        new S3Client({
          ...(region ? { region } : {}),
          ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        }),
    );
    return client;
  };
  return { output: { bucket, keyPrefix: SSM_OUTPUT_PREFIX, s3 }, onOutputProblem };
}
