/**
 * The healops.yaml and healops.config.yaml formats as zod schemas. Defaults are applied in resolution (resolve.ts),
 * not here, so the generated JSON schema shows what users write. Cross-field rules live in manifest-rules.ts.
 */
import { z } from 'zod';
import { sinkListSchema } from '../metrics/sink-config.js';
import { ticketRouteListSchema } from '../tickets/ticket-config.js';
import {
  commandSchema,
  countSchema,
  cronSchema,
  durationSchema,
  environmentSchema,
  failOnSchema,
  jobNameSchema,
  packageNameSchema,
  paramNameSchema,
  paramValueSchema,
  platformSchema,
  scheduleSchema,
  scriptSchema,
  severitySchema,
  timezoneSchema,
  urlSchema,
  versionSchema,
} from './field-schemas.js';
import { addRuleIssues } from './manifest-rules.js';
import { addTargetPlatformIssues, targetsSchema } from './targets.js';

/** JSON-schema hint: a job runs exactly one of a package script or a command on the target. */
const SCRIPT_OR_COMMAND = { oneOf: [{ required: ['script'] }, { required: ['command'] }] };

const paramSchema = z
  .strictObject({
    description: z.string().optional(),
    default: paramValueSchema.optional().meta({ description: 'Value used when the config sets none' }),
    required: z
      .boolean()
      .optional()
      .meta({ description: 'No default: the package does not run until healops.config.yaml sets a value' }),
  })
  .meta({
    description: `A parameter, passed to scripts as HEALOPS_PARAM_<NAME> and to commands as \${params.name}`,
  });

const budgetSchema = z
  .strictObject({
    max: countSchema(1, 1000).optional().meta({ description: 'Repair rounds allowed per target per window' }),
    per: durationSchema('Length of the budget window', { positive: true }).optional(),
    backoff: durationSchema('Wait after a failed repair, doubled per consecutive failure', {
      positive: false,
    }).optional(),
  })
  .meta({ description: 'How many repairs a target may receive in a time window' });

const repairPolicyFields = {
  verifyAfter: durationSchema('Wait after the repair before re-running the check', {
    positive: false,
  }).optional(),
  maxAttempts: countSchema(1, 10)
    .optional()
    .meta({ description: 'Repair and verify rounds per hard failure' }),
  timeout: durationSchema('Time limit of the repair', { positive: true }).optional(),
  budget: budgetSchema.optional(),
};

const repairSchema = z
  .strictObject({
    script: scriptSchema.optional(),
    command: commandSchema.optional(),
    ...repairPolicyFields,
  })
  .meta({ description: 'What fixes the check when it fails hard', ...SCRIPT_OR_COMMAND });

const maintenanceWindowSchema = z.strictObject({
  cron: cronSchema,
  duration: durationSchema('How long each window lasts', { positive: true }),
  timezone: timezoneSchema.optional(),
});

const flapThresholdsSchema = z
  .strictObject({
    low: z.number().min(0).max(100).meta({ description: 'Percent state change below which flapping stops' }),
    high: z
      .number()
      .min(0)
      .max(100)
      .meta({ description: 'Percent state change above which flapping starts' }),
  })
  .refine((flap) => flap.low < flap.high, {
    error: (issue) => {
      const flap = issue.input as { low: number; high: number };
      return `flap.low (${flap.low}) must be below flap.high (${flap.high})`;
    },
  });

const flapSchema = z
  .union([z.boolean(), flapThresholdsSchema])
  .meta({ description: 'Flap detection: thresholds, true for the defaults, or false to disable' });

/** Policy fields a check sets and the package `defaults` section can preset. */
const policyFields = {
  schedule: scheduleSchema.optional(),
  timeout: durationSchema('Time limit of one run', { positive: true }).optional(),
  failAfter: countSchema(1, 100)
    .optional()
    .meta({ description: 'Consecutive failures before the failure is hard (repair or escalate)' }),
  unknownAfter: countSchema(1, 100)
    .optional()
    .meta({ description: 'Consecutive UNKNOWN results before they are escalated' }),
  failOn: failOnSchema.optional().meta({ description: 'warning: WARNING counts as a failure too' }),
  severity: severitySchema.optional(),
  flap: flapSchema.optional(),
  reportOnly: z.boolean().optional().meta({ description: 'Never repair; escalate instead' }),
  maintenance: z.array(maintenanceWindowSchema).optional(),
};

const defaultsSchema = z
  .strictObject({ ...policyFields, repair: z.strictObject(repairPolicyFields).optional() })
  .meta({ description: 'Policy defaults for every check of the package' });

const jobFields = {
  name: jobNameSchema,
  description: z.string().optional(),
  script: scriptSchema.optional(),
  command: commandSchema.optional(),
  platform: platformSchema.optional(),
};

const checkSchema = z
  .strictObject({
    ...jobFields,
    ...policyFields,
    runbook: urlSchema.optional(),
    repair: repairSchema.optional(),
    dependsOn: z.array(jobNameSchema).optional().meta({
      description: 'Checks of this package whose failure suppresses the repair and tickets of this one',
    }),
  })
  .meta({ description: 'A Nagios-plugin-compatible check', ...SCRIPT_OR_COMMAND });

const statsSchema = z
  .strictObject({
    ...jobFields,
    schedule: scheduleSchema.optional(),
    timeout: durationSchema('Time limit of one run', { positive: true }).optional(),
  })
  .meta({ description: 'A job whose output is read only for its perfdata', ...SCRIPT_OR_COMMAND });

export const packageManifestSchema = z
  .strictObject({
    name: packageNameSchema,
    version: versionSchema,
    description: z.string().optional(),
    environment: environmentSchema
      .optional()
      .meta({ description: 'Dimension on every metric (default "default")' }),
    runbook: urlSchema.optional(),
    platform: platformSchema.optional().meta({ description: 'Default platform of the checks (default any)' }),
    params: z.record(paramNameSchema, paramSchema).optional(),
    targets: targetsSchema.optional(),
    defaults: defaultsSchema.optional(),
    checks: z.array(checkSchema).optional(),
    stats: z.array(statsSchema).optional(),
  })
  .superRefine(addRuleIssues, { when: () => true })
  .superRefine(addTargetPlatformIssues, { when: () => true })
  .meta({ title: 'HealOps package (healops.yaml)' });

export const configSchema = z
  .strictObject({
    packages: z
      .array(z.string().min(1, { error: 'a package path must not be empty' }))
      .min(1, { error: 'list at least one package folder' })
      .meta({ description: 'Package folders, or folders of packages, relative to this file' }),
    environment: environmentSchema.optional().meta({ description: "Overrides every package's environment" }),
    params: z
      .record(packageNameSchema, z.record(paramNameSchema, paramValueSchema))
      .optional()
      .meta({ description: 'Parameter values per package: { package: { param: value } }' }),
    metrics: sinkListSchema
      .optional()
      .meta({ description: 'Where metrics go (several at once); default: [{ type: sqlite }]' }),
    tickets: ticketRouteListSchema.optional().meta({
      description: 'Where problems are paged or filed (PagerDuty, Jira, signed webhooks); default: none',
    }),
  })
  .meta({ title: 'HealOps deployment config (healops.config.yaml)' });

export type PackageManifest = z.output<typeof packageManifestSchema>;
export type CheckManifest = z.output<typeof checkSchema>;
export type StatsManifest = z.output<typeof statsSchema>;
export type RepairManifest = z.output<typeof repairSchema>;
export type ParamManifest = z.output<typeof paramSchema>;
export type DefaultsManifest = z.output<typeof defaultsSchema>;
export type MaintenanceManifest = z.output<typeof maintenanceWindowSchema>;
export type HealOpsConfig = z.output<typeof configSchema>;
