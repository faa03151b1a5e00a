import type { LambdaContextLike } from '../../notify/src/lambda-context.js';
import { checkDepsFromEnv } from './check-env.js';
import { type CheckHandler, type CheckResult, createCheckHandler } from './check-handler.js';

// The Lambda entry point (EventBridge Scheduler, and the rule on `HealOps Check Continue`). Clients, bundle, logger
// and sinks are built from the environment on the first invocation and kept for the execution environment's life.

let built: CheckHandler | undefined;

export const handler = (event: unknown, context: LambdaContextLike): Promise<CheckResult> => {
  built ??= createCheckHandler(checkDepsFromEnv());
  return built(event, context);
};
