import type { LambdaContextLike } from './lambda-context.js';
import { notifyDepsFromEnv } from './notify-env.js';
import { createNotifyHandler, type NotifyHandler, type NotifyResult } from './notify-handler.js';

// The Lambda entry point. Dependencies are built from the environment on the first invocation and kept for the
// container's life (clients, logger, metrics, resolved ticket transports at module scope).

let built: NotifyHandler | undefined;

export const handler = (event: unknown, context: LambdaContextLike): Promise<NotifyResult> => {
  built ??= createNotifyHandler(notifyDepsFromEnv());
  return built(event, context);
};
