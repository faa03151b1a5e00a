import type { AuditQuery, MetricsQuery } from '@healops/core';
import { dateToEpochMs } from './columns.js';
import { SqliteStoreError } from './errors.js';

export type QueryParams = Record<string, string | number>;

/** SQL for one combination of filters, the key it is cached under, and the values to bind. */
export interface BuiltQuery {
  readonly cacheKey: string;
  readonly sql: string;
  readonly params: QueryParams;
}

interface Filter {
  readonly param: string;
  readonly condition: string;
  readonly value: string | number | undefined;
}

/**
 * Builds a SELECT filtered by the present values only (so SQLite can use the indexes), oldest first. With a limit
 * it keeps the most recent `limit` rows and still returns them oldest first.
 */
function buildQuery(table: string, columns: string, filters: readonly Filter[], limit: number | undefined) {
  const present = filters.filter((f) => f.value !== undefined);
  const params: QueryParams = {};
  for (const filter of present) {
    if (filter.value !== undefined) {
      params[filter.param] = filter.value;
    }
  }
  const where = present.length === 0 ? '' : ` WHERE ${present.map((f) => f.condition).join(' AND ')}`;
  const select = `SELECT id, ${columns} FROM ${table}${where}`;
  let sql = `${select} ORDER BY time, id`;
  if (limit !== undefined) {
    params.limit = checkedLimit(limit);
    sql = `SELECT * FROM (${select} ORDER BY time DESC, id DESC LIMIT @limit) ORDER BY time, id`;
  }
  const cacheKey = `${table}:${present.map((f) => f.param).join(',')}:${limit === undefined ? '' : 'limit'}`;
  return { cacheKey, sql, params };
}

function checkedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new SqliteStoreError(`query limit must be a non-negative integer, got ${limit}`);
  }
  return limit;
}

export const AUDIT_COLUMNS = 'time, type, package, check_name, target, status, message, detail';

export function auditQuerySql(query: AuditQuery): BuiltQuery {
  return buildQuery(
    'audit_event',
    AUDIT_COLUMNS,
    [
      {
        param: 'since',
        condition: 'time >= @since',
        value: query.since && dateToEpochMs(query.since, 'audit query since'),
      },
      { param: 'package', condition: 'package = @package', value: query.package },
      { param: 'check', condition: 'check_name = @check', value: query.check },
    ],
    query.limit,
  );
}

export const METRIC_COLUMNS = 'time, name, value, unit, dimensions, package, check_name';

export function metricsQuerySql(query: MetricsQuery): BuiltQuery {
  return buildQuery(
    'metric_point',
    METRIC_COLUMNS,
    [
      {
        param: 'since',
        condition: 'time >= @since',
        value: query.since && dateToEpochMs(query.since, 'metrics query since'),
      },
      { param: 'package', condition: 'package = @package', value: query.package },
      { param: 'check', condition: 'check_name = @check', value: query.check },
      { param: 'name', condition: 'name = @name', value: query.name },
    ],
    query.limit,
  );
}
