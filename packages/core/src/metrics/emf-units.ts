import { UOMS, type Uom } from '../nagios/types.js';

/**
 * Our units (the Nagios perfdata units) as CloudWatch units. `c` is a Nagios counter: CloudWatch `Count`.
 * A unitless value (status codes, repair outcomes) is `None`.
 */
export const CLOUDWATCH_UNITS = {
  '': 'None',
  s: 'Seconds',
  ms: 'Milliseconds',
  us: 'Microseconds',
  '%': 'Percent',
  B: 'Bytes',
  KB: 'Kilobytes',
  MB: 'Megabytes',
  GB: 'Gigabytes',
  TB: 'Terabytes',
  c: 'Count',
} as const satisfies Record<Uom, string>;

export type CloudWatchUnit = (typeof CLOUDWATCH_UNITS)[Uom];

/** The CloudWatch unit for one of our units; undefined for a unit HealOps does not know. */
export function cloudWatchUnit(unit: string): CloudWatchUnit | undefined {
  const known = UOMS.find((uom) => uom === unit);
  return known === undefined ? undefined : CLOUDWATCH_UNITS[known];
}
