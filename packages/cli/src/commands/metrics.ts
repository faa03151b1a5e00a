import type { MetricPoint } from '@healops/core';
import type { ExitCode } from '../exit-codes.js';
import { type ListOptions, listRecords } from './list-records.js';

export interface MetricsOptions extends ListOptions {
  readonly name?: string;
}

/** Recent metric points from the local store, oldest first. */
export function metricsCommand(options: MetricsOptions): Promise<ExitCode> {
  return listRecords<MetricPoint>(options, {
    noun: 'metric points',
    headers: ['TIME', 'CHECK', 'TARGET', 'NAME', 'VALUE'],
    row: (p) => [
      p.time,
      `${p.dimensions.package ?? ''}/${p.dimensions.check ?? ''}`,
      p.dimensions.target ?? '',
      p.name,
      `${p.value}${p.unit}`,
    ],
    query: (store, filter) =>
      store.queryMetrics({ ...filter, ...(options.name ? { name: options.name } : {}) }),
  });
}
