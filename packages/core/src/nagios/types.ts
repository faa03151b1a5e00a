/** Units of measure allowed by the monitoring-plugins perfdata grammar ('' = a plain number). */
export const UOMS = ['', 's', 'ms', 'us', '%', 'B', 'KB', 'MB', 'GB', 'TB', 'c'] as const;
export type Uom = (typeof UOMS)[number];

/**
 * A Nagios threshold range. `start`/`end` may be -Infinity/Infinity.
 * `inside` is true for `@start:end` (alert when the value lies INSIDE the range); otherwise alert when outside.
 */
export interface ThresholdRange {
  readonly start: number;
  readonly end: number;
  readonly inside: boolean;
  /** The text as written, e.g. `~:5`. */
  readonly text: string;
}

export interface PerfDatum {
  readonly label: string;
  /** null when the plugin printed `U` (value could not be determined). */
  readonly value: number | null;
  readonly uom: Uom;
  readonly warn?: ThresholdRange;
  readonly crit?: ThresholdRange;
  readonly min?: number;
  readonly max?: number;
}

export interface PluginOutput {
  /** First line of output, without its perfdata. */
  readonly summary: string;
  /** Remaining lines of text, without perfdata. */
  readonly longOutput: string;
  readonly perfdata: readonly PerfDatum[];
  /** Perfdata items that did not parse, each with the reason; they never abort parsing of the rest. */
  readonly perfdataErrors: readonly string[];
}
