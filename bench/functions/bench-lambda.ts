import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLE_VERSION,
  type DeploymentBundle,
  HEALOPS_DETAIL_TYPES,
  HEALOPS_EVENT_SOURCE,
  parseManifest,
  resolvePackage,
  ssmCommandDocument,
  ssmJobsOf,
} from '@healops/core';

/*
 * What a deployed function finds at a cold start, minus AWS: the environment Lambda and the stack set (the
 * credentials Lambda puts there are fake; every AWS endpoint is the bench's stub, which answers each call at once
 * with AccessDeniedException), a deployment bundle with one package, and the first event each function gets.
 */

export const HANDLERS = ['check', 'repair', 'notify'] as const;
export type HandlerName = (typeof HANDLERS)[number];

const PACKAGE = 'bench';
const SCHEDULE = 'rate(5 minutes)';
const MANIFEST = `name: ${PACKAGE}
version: 1.0.0
checks:
  - name: load
    command: [/usr/lib/nagios/plugins/check_load, -w, "5", -c, "10"]
    schedule: ${SCHEDULE}
`;

/** A deployment bundle with one package of one check, aimed at hosts by tag. */
export function benchDeploymentBundle(): DeploymentBundle {
  const parsed = parseManifest(MANIFEST, `${PACKAGE}/healops.yaml`);
  if (parsed.value === undefined) throw new Error('the bench manifest does not parse');
  const manifest = parsed.value;
  const document = ssmCommandDocument({
    package: PACKAGE,
    version: manifest.version,
    jobs: ssmJobsOf(manifest),
    files: [],
  });
  const dir = `/opt/healops/packages/${PACKAGE}`;
  const { checks } = resolvePackage({ manifest, dir, manifestPath: `${dir}/healops.yaml` });
  return {
    version: BUNDLE_VERSION,
    packages: [
      {
        name: PACKAGE,
        version: manifest.version,
        document: { name: document.name, versionName: document.versionName },
        targets: { type: 'tags', tags: { Role: ['web'] } },
        blastRadius: { maxConcurrency: '25%', maxErrors: '10%' },
        checks,
      },
    ],
    tickets: [],
  };
}

/** Writes the deployment bundle into `dir`; returns its path (HEALOPS_BUNDLE_PATH). */
export async function writeBenchBundle(dir: string): Promise<string> {
  const path = join(dir, 'healops-bundle.json');
  await writeFile(path, `${JSON.stringify(benchDeploymentBundle())}\n`);
  return path;
}

/** The environment of a deployed function whose AWS endpoints are all `endpoint`. */
export function lambdaEnv(bundlePath: string, endpoint: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'healops-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'healops-bench-not-a-secret',
    AWS_SESSION_TOKEN: 'healops-bench-session',
    AWS_ENDPOINT_URL: endpoint,
    HEALOPS_DYNAMODB_ENDPOINT: endpoint,
    HEALOPS_SSM_ENDPOINT: endpoint,
    HEALOPS_EVENTS_ENDPOINT: endpoint,
    HEALOPS_TABLE_NAME: 'healops-bench',
    HEALOPS_IDEMPOTENCY_TABLE_NAME: 'healops-bench-idempotency',
    HEALOPS_EVENT_BUS_NAME: 'healops-bench',
    HEALOPS_BUNDLE_PATH: bundlePath,
    POWERTOOLS_SERVICE_NAME: 'healops-bench',
  };
}

/**
 * The first event of each function: a schedule's invocation of the check function, a `HealOps Check Failed` event
 * for the repair function (its idempotency record is the first thing it writes), the scheduled drain of the notify
 * function.
 */
export const FIRST_EVENTS: Readonly<Record<HandlerName, unknown>> = {
  check: { package: PACKAGE, schedule: SCHEDULE, scheduledTime: '2026-01-01T00:05:00Z' },
  repair: {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    source: HEALOPS_EVENT_SOURCE,
    account: '123456789012',
    time: '2026-01-01T00:05:30Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': HEALOPS_DETAIL_TYPES.checkFailed,
    detail: {
      idempotencyKey: `healops/${PACKAGE}/load/i-0123456789abcdef0#2026-01-01T00:05:00.000Z`,
      correlationId: 'bench-correlation',
    },
  },
  notify: { drain: true },
};
