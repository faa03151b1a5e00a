import { ConfigError } from '../errors.js';
import type { MetricPoint } from '../model/results.js';
import {
  byCodeUnit,
  dimensionNameProblem,
  type EmfDimensionPlan,
  type EmfDimensionSets,
  type EmfDimensions,
  emfDimensionPlan,
  isPrintableAscii,
} from './emf-dimensions.js';
import { type CloudWatchUnit, cloudWatchUnit } from './emf-units.js';
import { BASE_DIMENSIONS } from './names.js';

/**
 * CloudWatch Embedded Metric Format (EMF): JSON log lines that CloudWatch Logs turns into metrics. Pure: points in,
 * documents out; writing them somewhere is the sink's job.
 *
 * Limits, from the EMF specification and the CloudWatch API it feeds (PutMetricData, Dimension):
 * at most 100 MetricDefinitions per directive, at most 30 keys per DimensionSet, dimension values are strings of
 * 1..1024 printable ASCII characters, dimension names 1..250 (the specification's schema; the API allows 255), metric
 * names 1..255, values finite and within ±2^360, the namespace 1..255 printable ASCII characters and not `AWS/...`.
 */
export const EMF_LIMITS = {
  metricsPerDocument: 100,
  dimensionsPerSet: 30,
  metricNameLength: 255,
  dimensionNameLength: 250,
  dimensionValueLength: 1024,
  namespaceLength: 255,
  maxAbsValue: 2 ** 360,
} as const;

export const EMF_DEFAULT_NAMESPACE = 'HealOps';

export {
  EMF_DIMENSION_SETS,
  EMF_LEAN_DIMENSIONS,
  type EmfDimensionPlan,
  type EmfDimensionSets,
  type EmfDimensions,
  type EmfDimensionsByFamily,
  type EmfFamilyDimensions,
  emfDimensionPlan,
} from './emf-dimensions.js';

export interface EmfMetricDefinition {
  readonly Name: string;
  readonly Unit: CloudWatchUnit;
}

export interface EmfMetricDirective {
  readonly Namespace: string;
  readonly Dimensions: ReadonlyArray<readonly string[]>;
  readonly Metrics: readonly EmfMetricDefinition[];
}

export interface EmfMetadata {
  /** Epoch milliseconds. */
  readonly Timestamp: number;
  readonly CloudWatchMetrics: readonly EmfMetricDirective[];
}

/** One EMF log event: `_aws` plus the dimension values (strings) and metric values (numbers) as root members. */
export interface EmfDocument {
  readonly _aws: EmfMetadata;
  readonly [member: string]: EmfMetadata | string | number;
}

export interface EmfOptions {
  /** CloudWatch namespace (default HealOps). */
  readonly namespace?: string;
  /** The base sets of `full` (default EMF_DIMENSION_SETS). */
  readonly dimensionSets?: EmfDimensionSets;
  /** Dimension sets per metric family (default `full`: every point keeps its complete dimension set). */
  readonly dimensions?: EmfDimensions;
}

export interface EmfBuild {
  readonly documents: EmfDocument[];
  /** Points that cannot be expressed in EMF, by index into the input, with the reason. */
  readonly rejected: Array<{ index: number; reason: string }>;
}

const METADATA_MEMBER = '_aws';

interface ValidPoint {
  readonly timestamp: number;
  readonly unit: CloudWatchUnit;
  /** Dimension keys, base dimensions first, then the rest in code-unit order. */
  readonly keys: readonly string[];
}

interface Part {
  readonly metrics: Map<string, { readonly unit: CloudWatchUnit; readonly value: number }>;
}

interface Group {
  readonly timestamp: number;
  readonly keys: readonly string[];
  readonly dimensions: Readonly<Record<string, string>>;
  readonly parts: Part[];
}

/** Why `namespace` cannot be a CloudWatch namespace, or undefined when it can. */
export function emfNamespaceProblem(namespace: string): string | undefined {
  if (namespace.length < 1 || namespace.length > EMF_LIMITS.namespaceLength) {
    return `must be 1 to ${EMF_LIMITS.namespaceLength} characters long`;
  }
  if (!isPrintableAscii(namespace)) return 'must contain only printable ASCII characters';
  if (!/\S/.test(namespace)) return 'must contain a character other than whitespace';
  if (namespace.startsWith('AWS/')) return 'must not start with AWS/ (reserved for AWS services)';
  return undefined;
}

/**
 * Groups points by (timestamp, dimension values) into EMF documents of at most 100 metrics each. A metric name
 * appears once per document: a second point with the same name, time and dimensions goes to the next document.
 * Metrics of a document with the same dimension sets (`dimensions`, per metric family) share one directive, so a
 * document has one directive per distinct list of sets. Every dimension of the group is a member of the document,
 * also one in no set (a plain property then). Throws ConfigError for an unusable namespace or dimension set;
 * invalid points are returned in `rejected`.
 */
export function buildEmfDocuments(points: readonly MetricPoint[], options: EmfOptions = {}): EmfBuild {
  const namespace = options.namespace ?? EMF_DEFAULT_NAMESPACE;
  const namespaceProblem = emfNamespaceProblem(namespace);
  if (namespaceProblem !== undefined) {
    throw new ConfigError(`EMF namespace ${JSON.stringify(namespace)} ${namespaceProblem}`);
  }
  const plan = emfDimensionPlan(options.dimensions, options.dimensionSets);

  const groups = new Map<string, Group>();
  const rejected: Array<{ index: number; reason: string }> = [];
  points.forEach((point, index) => {
    const checked = checkPoint(point);
    if (typeof checked === 'string') {
      rejected.push({ index, reason: checked });
      return;
    }
    const key = groupKey(checked, point.dimensions);
    let group = groups.get(key);
    if (group === undefined) {
      group = { timestamp: checked.timestamp, keys: checked.keys, dimensions: point.dimensions, parts: [] };
      groups.set(key, group);
    }
    let part = group.parts.find(
      (p) => !p.metrics.has(point.name) && p.metrics.size < EMF_LIMITS.metricsPerDocument,
    );
    if (part === undefined) {
      part = { metrics: new Map() };
      group.parts.push(part);
    }
    part.metrics.set(point.name, { unit: checked.unit, value: point.value });
  });

  const documents: EmfDocument[] = [];
  for (const group of groups.values()) {
    for (const part of group.parts) {
      documents.push(toDocument(namespace, group, plan, part));
    }
  }
  return { documents, rejected };
}

function toDocument(namespace: string, group: Group, plan: EmfDimensionPlan, part: Part): EmfDocument {
  const directives = new Map<string, { Dimensions: string[][]; Metrics: EmfMetricDefinition[] }>();
  for (const [name, { unit }] of part.metrics) {
    const sets = plan(name, group.keys).map((set) => [...set]);
    const id = JSON.stringify(sets);
    let directive = directives.get(id);
    if (directive === undefined) {
      directive = { Dimensions: sets, Metrics: [] };
      directives.set(id, directive);
    }
    directive.Metrics.push({ Name: name, Unit: unit });
  }
  const document: { _aws: EmfMetadata; [member: string]: EmfMetadata | string | number } = {
    _aws: {
      Timestamp: group.timestamp,
      CloudWatchMetrics: [...directives.values()].map((d) => ({ Namespace: namespace, ...d })),
    },
  };
  for (const key of group.keys) {
    const value = group.dimensions[key];
    if (value !== undefined) document[key] = value;
  }
  for (const [name, { value }] of part.metrics) {
    document[name] = value;
  }
  return document;
}

/** Reason the point cannot go into EMF, or what the document needs from it. */
function checkPoint(point: MetricPoint): ValidPoint | string {
  const timestamp = Date.parse(point.time);
  if (!Number.isFinite(timestamp)) return `time ${JSON.stringify(point.time)} is not a valid ISO-8601 time`;
  const nameProblem = metricNameProblem(point.name);
  if (nameProblem !== undefined) return `metric name ${JSON.stringify(point.name)} ${nameProblem}`;
  if (typeof point.value !== 'number' || !Number.isFinite(point.value)) {
    return `value ${String(point.value)} of ${point.name} is not a finite number`;
  }
  if (Math.abs(point.value) > EMF_LIMITS.maxAbsValue) {
    return `value ${point.value} of ${point.name} is outside the CloudWatch range ±2^360`;
  }
  const unit = cloudWatchUnit(point.unit);
  if (unit === undefined)
    return `unit ${JSON.stringify(point.unit)} of ${point.name} has no CloudWatch equivalent`;
  const keys = orderedKeys(point.dimensions);
  if (keys.length > EMF_LIMITS.dimensionsPerSet) {
    return `${point.name} has ${keys.length} dimensions; a CloudWatch dimension set holds at most ${EMF_LIMITS.dimensionsPerSet}`;
  }
  for (const key of keys) {
    const keyProblem = dimensionNameProblem(key);
    if (keyProblem !== undefined) return `dimension name ${JSON.stringify(key)} ${keyProblem}`;
    if (key === point.name) return `metric name ${JSON.stringify(key)} is also one of its dimension names`;
    const valueProblem = dimensionValueProblem(point.dimensions[key]);
    if (valueProblem !== undefined) return `dimension ${key} ${valueProblem}`;
  }
  return { timestamp, unit, keys };
}

function metricNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > EMF_LIMITS.metricNameLength) {
    return `must be 1 to ${EMF_LIMITS.metricNameLength} characters long`;
  }
  if (hasControlCharacter(name)) return 'must not contain control characters';
  if (!/\S/.test(name)) return 'must contain a character other than whitespace';
  if (name === METADATA_MEMBER) return `is reserved for EMF metadata`;
  return undefined;
}

function dimensionValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must have a string value';
  if (value.length < 1 || value.length > EMF_LIMITS.dimensionValueLength) {
    return `must have a value of 1 to ${EMF_LIMITS.dimensionValueLength} characters`;
  }
  if (!isPrintableAscii(value)) return 'must have a value of printable ASCII characters only';
  if (!/\S/.test(value)) return 'must have a value with a character other than whitespace';
  return undefined;
}

function orderedKeys(dimensions: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(dimensions);
  const base: string[] = BASE_DIMENSIONS.filter((key) => keys.includes(key));
  const rest = keys.filter((key) => !base.includes(key)).sort(byCodeUnit);
  return [...base, ...rest];
}

function groupKey(point: ValidPoint, dimensions: Readonly<Record<string, string>>): string {
  const sorted = [...point.keys].sort(byCodeUnit).map((key) => [key, dimensions[key]]);
  return `${point.timestamp} ${JSON.stringify(sorted)}`;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
