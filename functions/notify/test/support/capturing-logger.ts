import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/**
 * A Powertools Logger whose lines go to `lines` (as the JSON text Lambda would write) instead of stdout; everything
 * else (levels, keys, Lambda context, correlation ids) is the real Logger.
 */
export class CapturingLogger extends Logger {
  readonly lines: string[] = [];

  /** Each line parsed. */
  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.lines.push(JSON.stringify(log.getAttributes()));
  }
}
