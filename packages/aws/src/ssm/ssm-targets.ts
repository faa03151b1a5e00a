import type { Target } from '@aws-sdk/client-ssm';
import type { PackageTargets } from '@healops/core';

/** SendCommand takes at most 50 instance ids per call. */
export const SSM_MAX_INSTANCE_IDS = 50;

/** Where a job runs on AWS: a package's `targets` other than `local`. */
export type SsmTargets = Exclude<PackageTargets, { readonly type: 'local' }>;

/** The SendCommand target arguments, one entry per call. */
export type SendTarget = { readonly InstanceIds: string[] } | { readonly Targets: Target[] };

/** Instance ids in chunks of 50; a tag or resource-group target in one call (SSM resolves it). */
export function sendTargets(targets: SsmTargets): SendTarget[] {
  switch (targets.type) {
    case 'instanceIds': {
      const ids = [...new Set(targets.instanceIds)];
      const chunks: SendTarget[] = [];
      for (let i = 0; i < ids.length; i += SSM_MAX_INSTANCE_IDS) {
        chunks.push({ InstanceIds: ids.slice(i, i + SSM_MAX_INSTANCE_IDS) });
      }
      return chunks;
    }
    case 'tags':
      // SSM ANDs its targets, and any value of one target matches.
      return [
        {
          Targets: Object.entries(targets.tags).map(([key, values]) => ({
            Key: `tag:${key}`,
            Values: [...values],
          })),
        },
      ];
    case 'resourceGroup':
      return [{ Targets: [{ Key: 'resource-groups:Name', Values: [targets.resourceGroup] }] }];
  }
}
