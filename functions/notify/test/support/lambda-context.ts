import { randomUUID } from 'node:crypto';
import type { LambdaContextLike } from '../../src/lambda-context.js';

/** A Lambda context whose invocation ends `budgetMs` after it is made. */
export function lambdaContext(budgetMs = 60_000): LambdaContextLike {
  const end = Date.now() + budgetMs;
  return {
    functionName: 'healops-notify',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:healops-notify',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
}
