import { HealOpsError } from '@healops/core';
import { DynamoStoreError } from '../errors.js';

export { DynamoStoreError };

/** Rethrows HealOps errors as they are; wraps SDK and other errors in DynamoStoreError. */
export function wrapDynamoError(operation: string, table: string, error: unknown): HealOpsError {
  if (error instanceof HealOpsError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new DynamoStoreError(`DynamoDB table ${table}: ${operation} failed: ${name}: ${message}`, {
    cause: error,
  });
}

/** The SDK's name for a failed condition on a single-item write. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Cancellation reason codes of a TransactWriteItems that was cancelled, in item order; undefined otherwise. */
export function cancellationCodes(error: unknown): Array<string | undefined> | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons: unknown = Reflect.get(error, 'CancellationReasons');
  if (!Array.isArray(reasons)) return [];
  return reasons.map((r: unknown) => {
    const code: unknown = typeof r === 'object' && r !== null ? Reflect.get(r, 'Code') : undefined;
    return typeof code === 'string' ? code : undefined;
  });
}
