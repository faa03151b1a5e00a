import { repairDepsFromEnv } from './default-deps.js';
import { buildRepairLambda } from './repair-lambda.js';

type RepairLambda = ReturnType<typeof buildRepairLambda>;

let built: RepairLambda | undefined;

/**
 * The Lambda entry point (EventBridge rule on `HealOps Check Failed` -> this function). Clients, bundle and logger
 * are built from the environment on the first invocation and kept for the life of the execution environment.
 */
export const handler = (...args: Parameters<RepairLambda>): ReturnType<RepairLambda> => {
  built ??= buildRepairLambda(repairDepsFromEnv());
  return built(...args);
};
