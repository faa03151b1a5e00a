/**
 * The `targets` section of healops.yaml: which hosts a package's jobs run on. `local` (the default) is this machine
 * (the CLI); the other forms select SSM managed nodes for the AWS runtime and map one to one onto SendCommand:
 * `tags` → Targets `tag:<key>` (at most 5 keys, all must match; at most 50 values per key, any may match),
 * `instanceIds` → InstanceIds (sent in batches of 50), `resourceGroup` → Targets `resource-groups:Name`.
 */
import { z } from 'zod';
import type { Platform } from '../model/status.js';
import type { IssuePath, RuleIssue } from './manifest-rules.js';
import { quoteValue } from './quote.js';

/** EC2 instance ids (8 or 17 hex digits) and hybrid managed node ids (mi- and 17), as SendCommand accepts them. */
export const INSTANCE_ID_PATTERN = '^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$';
/** AWS Resource Groups group names. */
export const RESOURCE_GROUP_PATTERN = '^[a-zA-Z0-9_.-]{1,128}$';
/** Characters SendCommand accepts in a target key (`tag:<key>`): letters, spaces, digits and _ . : / = - @. */
export const TAG_KEY_PATTERN = '^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]+$';

/** SendCommand limits: Targets holds at most 5 entries, each with at most 50 values. */
export const MAX_TARGET_TAGS = 5;
export const MAX_TAG_VALUES = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;

export const TARGET_PLATFORMS = ['linux', 'windows'] as const;
export type TargetPlatform = (typeof TARGET_PLATFORMS)[number];

/** Where a package's jobs run, after resolution. */
export type PackageTargets =
  | { readonly type: 'local' }
  | {
      readonly type: 'tags';
      /** Tag key → accepted values (any of them); every key must match. */
      readonly tags: Readonly<Record<string, readonly string[]>>;
      readonly platform?: TargetPlatform;
    }
  | {
      readonly type: 'instanceIds';
      readonly instanceIds: readonly string[];
      readonly platform?: TargetPlatform;
    }
  | { readonly type: 'resourceGroup'; readonly resourceGroup: string; readonly platform?: TargetPlatform };

export const LOCAL_TARGETS: PackageTargets = { type: 'local' };

/** Length in Unicode characters (code points), as AWS counts tag lengths. */
function chars(text: string): number {
  return [...text].length;
}

const tagKeySchema = z
  .string()
  .superRefine((key, ctx) => {
    const problem = (rule: string) =>
      ctx.addIssue({ code: 'custom', input: key, message: `invalid tag key ${quoteValue(key)} (${rule})` });
    if (key === '' || chars(key) > MAX_TAG_KEY_LENGTH) {
      problem(`1 to ${MAX_TAG_KEY_LENGTH} characters`);
    } else if (key.toLowerCase().startsWith('aws:')) {
      problem('the aws: prefix is reserved for AWS');
    } else if (!new RegExp(TAG_KEY_PATTERN, 'u').test(key)) {
      problem('SSM targets accept letters, digits, spaces and _ . : / = - @');
    }
  })
  .meta({ minLength: 1, maxLength: MAX_TAG_KEY_LENGTH, pattern: TAG_KEY_PATTERN });

const tagValueSchema = z
  .string()
  .refine((value) => chars(value) <= MAX_TAG_VALUE_LENGTH, {
    error: (issue) =>
      `tag value ${quoteValue(issue.input)} is longer than ${MAX_TAG_VALUE_LENGTH} characters`,
  })
  .meta({ maxLength: MAX_TAG_VALUE_LENGTH });

const tagValueListSchema = z
  .array(tagValueSchema)
  .min(1)
  .max(MAX_TAG_VALUES)
  .superRefine((values, ctx) => duplicates(values, ctx, 'tag value'));

function duplicates(values: readonly string[], ctx: z.RefinementCtx, what: string): void {
  values.forEach((value, index) => {
    const first = values.indexOf(value);
    if (first !== index) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        input: value,
        message: `${what} ${JSON.stringify(value)} is listed twice (also [${first}])`,
      });
    }
  });
}

const tagsSchema = z
  .record(tagKeySchema, z.union([tagValueSchema, tagValueListSchema]))
  .superRefine((tags, ctx) => {
    const count = Object.keys(tags).length;
    if (count === 0 || count > MAX_TARGET_TAGS) {
      ctx.addIssue({
        code: 'custom',
        input: tags,
        message: `list 1 to ${MAX_TARGET_TAGS} tags (SSM SendCommand accepts at most ${MAX_TARGET_TAGS} targets), got ${count}`,
      });
    }
  })
  .meta({
    minProperties: 1,
    maxProperties: MAX_TARGET_TAGS,
    description: `Instances carrying every one of these tags (1 to ${MAX_TARGET_TAGS}); a list of values matches any of them (at most ${MAX_TAG_VALUES})`,
    examples: [{ Role: 'web' }, { Role: ['web', 'api'], Env: 'prod' }],
  });

const instanceIdSchema = z.string().regex(new RegExp(INSTANCE_ID_PATTERN), {
  error: (issue) =>
    `invalid instance id ${quoteValue(issue.input)} (expected i- and 8 or 17 hex digits, or mi- and 17)`,
});

const instanceIdsSchema = z
  .array(instanceIdSchema)
  .min(1)
  .superRefine((ids, ctx) => duplicates(ids, ctx, 'instance id'))
  .meta({
    uniqueItems: true,
    description: 'Managed node ids (EC2 i-..., hybrid mi-...); sent to SSM in batches of 50',
  });

const resourceGroupSchema = z
  .string()
  .superRefine((name, ctx) => {
    const problem = (rule: string) =>
      ctx.addIssue({
        code: 'custom',
        input: name,
        message: `invalid resource group name ${quoteValue(name)} (${rule})`,
      });
    if (!new RegExp(RESOURCE_GROUP_PATTERN).test(name)) {
      problem('1 to 128 letters, digits, "_", "." and "-"');
    } else if (name.toLowerCase().startsWith('aws')) {
      problem('names starting with "aws" are reserved for AWS');
    }
  })
  .meta({ description: 'Name of an AWS Resource Groups group', pattern: RESOURCE_GROUP_PATTERN });

const SELECTORS = ['tags', 'instanceIds', 'resourceGroup'] as const;

const remoteTargetsSchema = z
  .strictObject({
    tags: tagsSchema.optional(),
    instanceIds: instanceIdsSchema.optional(),
    resourceGroup: resourceGroupSchema.optional(),
    platform: z
      .enum(TARGET_PLATFORMS)
      .optional()
      .meta({ description: 'Only managed nodes of this platform (default: both)' }),
  })
  .superRefine((targets, ctx) => {
    const present = SELECTORS.filter((key) => targets[key] !== undefined);
    const [first, second] = present;
    if (first === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: targets,
        message: 'targets needs one of tags, instanceIds or resourceGroup (or write targets: local)',
      });
    } else if (second !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [second],
        input: targets[second],
        message: `targets has both ${first} and ${second}; keep one`,
      });
    }
  })
  .meta({ oneOf: SELECTORS.map((key) => ({ required: [key] })) });

const localTargetsSchema = z
  .string()
  .refine((text) => text === 'local', {
    error: (issue) =>
      `invalid targets ${quoteValue(issue.input)} (expected local, or a mapping with tags, instanceIds or resourceGroup)`,
  })
  .meta({ enum: ['local'], description: 'This machine (the healops CLI)' });

export const targetsSchema = z.union([localTargetsSchema, remoteTargetsSchema]).meta({
  description:
    'Where the jobs run: local (default, this machine), or SSM managed nodes selected by tags, instanceIds or resourceGroup',
});

export type TargetsManifest = z.output<typeof targetsSchema>;

/** The resolved form of a (valid) `targets` section; absent means local. */
export function resolveTargets(targets: TargetsManifest | undefined): PackageTargets {
  if (targets === undefined || typeof targets === 'string') {
    return LOCAL_TARGETS;
  }
  const platform = targets.platform === undefined ? {} : { platform: targets.platform };
  if (targets.tags !== undefined) {
    const tags = Object.fromEntries(
      Object.entries(targets.tags).map(([key, value]) => [key, typeof value === 'string' ? [value] : value]),
    );
    return { type: 'tags', tags, ...platform };
  }
  if (targets.instanceIds !== undefined) {
    return { type: 'instanceIds', instanceIds: targets.instanceIds, ...platform };
  }
  if (targets.resourceGroup !== undefined) {
    return { type: 'resourceGroup', resourceGroup: targets.resourceGroup, ...platform };
  }
  return LOCAL_TARGETS;
}

type Dict = Readonly<Record<string, unknown>>;

function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function platformOf(value: unknown): Platform | undefined {
  return value === 'linux' || value === 'windows' || value === 'any' ? value : undefined;
}

/**
 * A job pinned to one platform cannot run on targets restricted to the other: every such job is an issue at the
 * platform that pins it (its own, or the package's).
 */
export function targetPlatformIssues(document: unknown): RuleIssue[] {
  const manifest = asDict(document);
  const wanted = asDict(manifest?.targets)?.platform;
  if (!manifest || (wanted !== 'linux' && wanted !== 'windows')) {
    return [];
  }
  const issues: RuleIssue[] = [];
  const packagePlatform = platformOf(manifest.platform);
  for (const section of ['checks', 'stats'] as const) {
    const jobs = manifest[section];
    if (!Array.isArray(jobs)) {
      continue;
    }
    jobs.forEach((item: unknown, index) => {
      const job = asDict(item);
      const own = platformOf(job?.platform);
      const platform = own ?? packagePlatform ?? 'any';
      if (platform === 'any' || platform === wanted) {
        return;
      }
      const name = typeof job?.name === 'string' ? JSON.stringify(job.name) : `${section}[${index}]`;
      const path: IssuePath = own === undefined ? ['platform'] : [section, index, 'platform'];
      issues.push({
        path,
        message: `${name} runs on ${platform}, but targets.platform selects ${wanted} instances only`,
      });
    });
  }
  return issues;
}

/** zod superRefine adapter for targetPlatformIssues. */
export function addTargetPlatformIssues(document: unknown, ctx: z.RefinementCtx): void {
  for (const issue of targetPlatformIssues(document)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: undefined });
  }
}
