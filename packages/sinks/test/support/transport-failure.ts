import { TransportError } from '@healops/core';
import { expect } from 'vitest';

/** The TransportError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function transportFailure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}
