/**
 * The CloudWatch custom metrics a set of EMF log lines creates: one per (namespace, metric name, dimension set with
 * its values), which is what CloudWatch bills per month. Split into series carrying the `target` dimension (they
 * grow with the fleet) and the others (per package and environment: a constant).
 */
export function countSeries(lines: readonly string[]): { perTarget: number; aggregate: number } {
  const perTarget = new Set<string>();
  const aggregate = new Set<string>();
  for (const line of lines) {
    const document = JSON.parse(line) as Record<string, unknown> & { _aws?: EmfMeta };
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      for (const set of directive.Dimensions) {
        const values = set.map((key) => `${key}=${String(document[key])}`).join(',');
        for (const metric of directive.Metrics) {
          const key = `${directive.Namespace}|${metric.Name}|${values}`;
          (set.includes('target') ? perTarget : aggregate).add(key);
        }
      }
    }
  }
  return { perTarget: perTarget.size, aggregate: aggregate.size };
}

interface EmfMeta {
  readonly CloudWatchMetrics: ReadonlyArray<{
    readonly Namespace: string;
    readonly Dimensions: ReadonlyArray<readonly string[]>;
    readonly Metrics: ReadonlyArray<{ readonly Name: string }>;
  }>;
}
