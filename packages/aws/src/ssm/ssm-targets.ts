import type { Target } from '@aws-sdk/client-ssm';

/** SendCommand takes at most 50 instance ids per call. */
export const SSM_MAX_INSTANCE_IDS = 50;

/** Where a job runs: instance ids (any number: sent in chunks of 50), hosts with these tags, or a resource group. */
export type SsmTargets =
  | { readonly instanceIds: readonly string[] }
  | { readonly tags: Readonly<Record<string, string>> }
  | { readonly resourceGroup: string };

/** The SendCommand target arguments, one entry per call. */
export type SendTarget = { readonly InstanceIds: string[] } | { readonly Targets: Target[] };

export function sendTargets(targets: SsmTargets): SendTarget[] {
  if ('instanceIds' in targets) {
    const ids = [...new Set(targets.instanceIds)];
    const chunks: SendTarget[] = [];
    for (let i = 0; i < ids.length; i += SSM_MAX_INSTANCE_IDS) {
      chunks.push({ InstanceIds: ids.slice(i, i + SSM_MAX_INSTANCE_IDS) });
    }
    return chunks;
  }
  if ('tags' in targets) {
    // Every tag must match: SSM ANDs its targets.
    return [
      {
        Targets: Object.entries(targets.tags).map(([key, value]) => ({ Key: `tag:${key}`, Values: [value] })),
      },
    ];
  }
  return [{ Targets: [{ Key: 'resource-groups:Name', Values: [targets.resourceGroup] }] }];
}
