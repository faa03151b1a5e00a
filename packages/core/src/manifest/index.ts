export { BUILTIN_DEFAULTS, type BuiltinDefaults } from './defaults.js';
export { formatPath, sortDiagnostics } from './diagnostics.js';
export { type DiscoveryResult, discoverPackages } from './discover-packages.js';
export { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
export { JOB_NAME_PATTERN, PACKAGE_NAME_PATTERN } from './field-schemas.js';
export {
  CONFIG_SCHEMA_ID,
  configJsonSchema,
  PACKAGE_SCHEMA_ID,
  packageJsonSchema,
  renderJsonSchema,
  SCHEMA_FILES,
} from './json-schema.js';
export { type LoadedConfig, loadConfig } from './load-config.js';
export { type LoadedPackage, loadPackage } from './load-package.js';
export { isInMaintenance, maintenanceCronProblem, timezoneProblem } from './maintenance.js';
export { findCycles, type IssuePath, manifestRuleIssues, type RuleIssue } from './manifest-rules.js';
export type { PackageFileInfo, PackageFiles } from './package-files.js';
export {
  CONFIG_FILE,
  MANIFEST_FILE,
  type ParseResult,
  parseConfig,
  parseManifest,
} from './parse-manifest.js';
export { findPlaceholders, type Placeholder, paramEnvName, substituteParams } from './placeholders.js';
export { type ResolvedPackage, type ResolveOptions, resolvePackage } from './resolve.js';
export {
  missingParamsReason,
  type ParamResolution,
  type ParamValue,
  resolveParams,
} from './resolve-params.js';
export {
  type CronSchedule,
  nextRun,
  parseSchedule,
  RATE_UNITS,
  type RateSchedule,
  type RateUnit,
  type Schedule,
} from './schedule.js';
export {
  type CheckManifest,
  configSchema,
  type DefaultsManifest,
  type HealOpsConfig,
  type MaintenanceManifest,
  type PackageManifest,
  type ParamManifest,
  packageManifestSchema,
  type RepairManifest,
  type StatsManifest,
} from './schema.js';
export { scriptAbsolutePath, scriptPathProblem } from './script-path.js';
export {
  addTargetPlatformIssues,
  INSTANCE_ID_PATTERN,
  LOCAL_TARGETS,
  MAX_TAG_VALUES,
  MAX_TARGET_TAGS,
  type PackageTargets,
  RESOURCE_GROUP_PATTERN,
  resolveTargets,
  TAG_KEY_PATTERN,
  TARGET_PLATFORMS,
  type TargetPlatform,
  type TargetsManifest,
  targetPlatformIssues,
  targetsSchema,
} from './targets.js';
export type { Position } from './yaml-source.js';
