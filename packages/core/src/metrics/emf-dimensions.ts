import { ConfigError } from '../errors.js';
import { BASE_DIMENSIONS, METRIC_FAMILIES, type MetricFamily, metricFamily } from './names.js';

/**
 * Which CloudWatch metrics the EMF documents create. CloudWatch bills every distinct (namespace, metric name,
 * dimension set with its values) as one metric a month, so the dimension sets are the bill: a set with `target`
 * makes one metric per host. Dimensions of a point that are in none of its metric's sets stay in the document as
 * plain members (Logs Insights can still filter on them); they make no metric.
 */

/** Dimension sets, each a list of dimension names; each set makes its own CloudWatch metric. */
export type EmfDimensionSets = ReadonlyArray<readonly string[]>;

/**
 * One family's dimensions: its own sets, or `full`: the base sets (EMF_DIMENSION_SETS, or the `dimensionSets`
 * option) the point has every key of, plus the point's own complete set of dimensions.
 */
export type EmfFamilyDimensions = 'full' | EmfDimensionSets;

/** Per metric family (names.ts METRIC_FAMILIES); `default` is for families not listed (default `full`). */
export type EmfDimensionsByFamily = Readonly<Partial<Record<MetricFamily | 'default', EmfFamilyDimensions>>>;

/**
 * `full`: every family `full` (every point keeps its complete dimension set: one metric per (check, host) and
 * name). `lean`: EMF_LEAN_DIMENSIONS. Or sets per family.
 */
export type EmfDimensions = 'full' | 'lean' | EmfDimensionsByFamily;

/**
 * Dimension sets every point gets with `full` when it has their keys. Each set is a separate CloudWatch metric, so
 * alarms can watch healops.check.status, healops.repair and healops.escalation
 * - per series: (package, check, target, environment), e.g. "disk-root on web-1 in prod is CRITICAL";
 * - across a package: (package, environment), e.g. Maximum of healops.check.status >= 2 "some check of linux-base
 *   is CRITICAL in prod", Minimum of healops.repair == 0 "a repair failed", Sum of healops.escalation > 0.
 * With `full`, a point's own full set of dimensions is added too when it differs (escalations carry `severity`).
 */
export const EMF_DIMENSION_SETS: EmfDimensionSets = [BASE_DIMENSIONS, ['package', 'environment']];

const PER_TARGET: readonly string[] = ['package', 'check', 'target', 'environment'];
const PER_PACKAGE: readonly string[] = ['package', 'environment'];
const PER_CHECK: readonly string[] = ['package', 'check', 'environment'];

/**
 * The low-cost preset: per target only what alarms and the status dashboard need per host (check status and
 * escalations), duration and perfdata per (package, check, environment), repairs per check and per package. The
 * heartbeat and the sink and ticket gauges (no target dimension) keep their own sets. `target` (and an escalation's
 * `severity`) stay in every document as plain members. About 1 metric per (check, host) instead of 2 + the number
 * of perfdata labels.
 */
export const EMF_LEAN_DIMENSIONS: EmfDimensionsByFamily = {
  status: [PER_TARGET, PER_PACKAGE],
  escalation: [PER_TARGET, PER_PACKAGE],
  duration: [PER_CHECK],
  perfdata: [PER_CHECK],
  repair: [PER_CHECK, PER_PACKAGE],
  default: 'full',
};

/** Most keys CloudWatch takes in one dimension set. */
const DIMENSIONS_PER_SET = 30;
const DIMENSION_NAME_LENGTH = 250;
const METADATA_MEMBER = '_aws';

/** Picks the dimension sets of one metric from the names of the dimensions its point has. */
export type EmfDimensionPlan = (metricName: string, keys: readonly string[]) => EmfDimensionSets;

/**
 * The plan for `dimensions` (default `full`): a family's configured sets that the point has every key of; when it
 * has the keys of none of them, or the family is `full`, see EmfFamilyDimensions. No set twice.
 * Throws ConfigError naming the bad set, e.g. `dimensions.status[0][1]`.
 */
export function emfDimensionPlan(
  dimensions: EmfDimensions = 'full',
  baseSets: EmfDimensionSets = EMF_DIMENSION_SETS,
): EmfDimensionPlan {
  checkDimensionSets(baseSets, 'EMF dimension set');
  const byFamily: EmfDimensionsByFamily =
    dimensions === 'full' ? {} : dimensions === 'lean' ? EMF_LEAN_DIMENSIONS : dimensions;
  if (typeof byFamily !== 'object' || byFamily === null) {
    throw new ConfigError(
      `EMF dimensions ${JSON.stringify(dimensions)} must be full, lean or sets per family`,
    );
  }
  for (const [family, sets] of Object.entries(byFamily)) {
    if (family !== 'default' && !METRIC_FAMILIES.some((known) => known === family)) {
      throw new ConfigError(
        `dimensions.${family}: unknown metric family (expected default or one of: ${METRIC_FAMILIES.join(', ')})`,
      );
    }
    if (sets === 'full' || sets === undefined) continue;
    if (sets.length === 0) throw new ConfigError(`dimensions.${family} must list at least one dimension set`);
    sets.forEach((set, index) => {
      checkDimensionSets([set], `dimensions.${family}[${index}]`);
    });
  }
  const fallback = byFamily.default ?? 'full';
  return (metricName, keys) => {
    const family = metricFamily(metricName);
    const chosen = (family === undefined ? undefined : byFamily[family]) ?? fallback;
    const present = new Set(keys);
    const fits = (set: readonly string[]): boolean => set.every((key) => present.has(key));
    const sets = new UniqueSets();
    if (chosen === 'full') {
      for (const set of baseSets) if (fits(set)) sets.add(set);
      sets.add(keys);
    } else {
      for (const set of chosen) if (fits(set)) sets.add(set);
      // A point with the keys of none of its sets keeps its own, rather than making no metric at all.
      if (sets.size === 0) sets.add(keys);
    }
    return sets.list;
  };
}

/** Why `key` cannot be a CloudWatch dimension name, or undefined when it can. */
export function dimensionNameProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > DIMENSION_NAME_LENGTH) {
    return `must be 1 to ${DIMENSION_NAME_LENGTH} characters long`;
  }
  if (!isPrintableAscii(key)) return 'must contain only printable ASCII characters';
  if (!/\S/.test(key)) return 'must contain a character other than whitespace';
  if (key.startsWith(':')) return 'must not start with a colon';
  if (key === METADATA_MEMBER) return 'is reserved for EMF metadata';
  return undefined;
}

export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** `where` says what the sets are in error messages; each set is named by `where` and its keys. */
function checkDimensionSets(sets: EmfDimensionSets, where: string): void {
  for (const set of sets) {
    const named = `${where} ${JSON.stringify(set)}`;
    if (!Array.isArray(set)) throw new ConfigError(`${named} must be a list of dimension names`);
    if (set.length > DIMENSIONS_PER_SET) {
      throw new ConfigError(`${named} has more than ${DIMENSIONS_PER_SET} dimensions`);
    }
    if (new Set(set).size !== set.length) throw new ConfigError(`${named} names a dimension twice`);
    for (const key of set) {
      const problem = typeof key === 'string' ? dimensionNameProblem(key) : 'must be a string';
      if (problem !== undefined) {
        throw new ConfigError(`${named}: dimension name ${JSON.stringify(key)} ${problem}`);
      }
    }
  }
}

/** Dimension sets in the order added, each once whatever the order of its keys. */
class UniqueSets {
  readonly list: Array<readonly string[]> = [];
  readonly #seen = new Set<string>();

  get size(): number {
    return this.list.length;
  }

  add(set: readonly string[]): void {
    const id = JSON.stringify([...set].sort(byCodeUnit));
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.list.push(set);
  }
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
