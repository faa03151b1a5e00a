import type { Logger } from '@aws-lambda-powertools/logger';
import { PowertoolsEmfSink } from '@healops/aws';
import { type EmfSinkConfig, emfDimensionsSchema } from '@healops/core';
import { FunctionEnvError } from './errors.js';

/** `full`, `lean`, or per-family sets as JSON (the `dimensions` of an `emf` sink in healops.config.yaml). */
function dimensionsFromEnv(value: string): NonNullable<EmfSinkConfig['dimensions']> {
  let raw: unknown = value;
  if (value !== 'full' && value !== 'lean') {
    try {
      raw = JSON.parse(value);
    } catch {
      throw new FunctionEnvError(
        `HEALOPS_EMF_DIMENSIONS must be full, lean or a JSON object of sets per metric family; got ${JSON.stringify(value.slice(0, 80))}`,
      );
    }
  }
  const parsed = emfDimensionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `.${issue.path.join('.')}` : '';
    throw new FunctionEnvError(`HEALOPS_EMF_DIMENSIONS${at}: ${issue?.message ?? 'not valid'}`);
  }
  return parsed.data;
}

/**
 * The metrics sink of a function: EMF through Powertools Metrics, namespace POWERTOOLS_METRICS_NAMESPACE (default
 * HealOps), dimension sets HEALOPS_EMF_DIMENSIONS (default lean: status and escalations per target, the rest per
 * check; see docs/cost.md). Throws FunctionEnvError naming the variable when a value is unusable.
 */
export function emfSinkFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  serviceName: string,
  logger: Logger,
): PowertoolsEmfSink {
  const dimensions = env.HEALOPS_EMF_DIMENSIONS;
  return new PowertoolsEmfSink(
    {
      ...(env.POWERTOOLS_METRICS_NAMESPACE ? { namespace: env.POWERTOOLS_METRICS_NAMESPACE } : {}),
      ...(dimensions ? { dimensions: dimensionsFromEnv(dimensions) } : {}),
    },
    { serviceName, onProblem: (message) => logger.warn(message) },
  );
}
