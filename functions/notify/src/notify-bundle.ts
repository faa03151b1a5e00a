import { readFileSync } from 'node:fs';
import { BUNDLE_VERSION, type TicketRouteConfig, ticketRouteListSchema } from '@healops/core';
import { z } from 'zod';
import { NotifyConfigError } from './errors.js';

// The part of the deployment bundle (core deploy/bundle.ts) the notify function reads: the ticket routes, and the
// environment the checks run in (the environment of alarm tickets when HEALOPS_ENVIRONMENT does not say).

export interface NotifyBundle {
  readonly tickets: readonly TicketRouteConfig[];
  /** The one environment of the bundle's checks, or undefined when they name none or several. */
  readonly environment: string | undefined;
}

const bundleSchema = z.looseObject({
  version: z.literal(BUNDLE_VERSION),
  packages: z.array(
    z.looseObject({
      checks: z.array(z.looseObject({ environment: z.string().optional() })),
    }),
  ),
  tickets: ticketRouteListSchema,
});

/** Parses bundle JSON text; throws NotifyConfigError naming `source` and each bad field. */
export function parseNotifyBundle(text: string, source: string): NotifyBundle {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotifyConfigError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const result = bundleSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${source}: ${issue.path.join('.') || '(bundle)'}: ${issue.message}`,
    );
    throw new NotifyConfigError(lines.join('\n'), { cause: result.error });
  }
  const environments = new Set(
    result.data.packages.flatMap((p) => p.checks.flatMap((c) => (c.environment ? [c.environment] : []))),
  );
  return {
    tickets: result.data.tickets,
    environment: environments.size === 1 ? [...environments][0] : undefined,
  };
}

/** Reads the bundle file at `path`. */
export function readNotifyBundle(path: string): NotifyBundle {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NotifyConfigError(
      `deployment bundle ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return parseNotifyBundle(text, path);
}
