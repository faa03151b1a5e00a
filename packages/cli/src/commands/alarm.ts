import { readFileSync } from 'node:fs';
import { applyAlarm, parseAlarmEvent, SEVERITIES, type Severity } from '@healops/core';
import { SystemClock } from '@healops/local';
import { openSqliteStore } from '@healops/sqlite';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { localTickets } from '../local-tickets.js';
import { out } from '../output.js';
import { sanitize } from '../render/sanitize.js';
import { loadDeploymentConfig } from '../workspace.js';

export interface AlarmCommandOptions {
  readonly home?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly severity?: string;
}

function readEvent(file: string): { text: string; source: string } {
  try {
    return file === '-'
      ? { text: readFileSync(0, 'utf8'), source: 'stdin' }
      : { text: readFileSync(file, 'utf8'), source: file };
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read the event: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function severityOf(text: string | undefined): Severity | undefined {
  if (text === undefined) return undefined;
  const found = SEVERITIES.find((s) => s === text);
  if (!found)
    throw new UsageError(`--severity: unknown severity "${text}" (expected ${SEVERITIES.join(', ')})`);
  return found;
}

/**
 * `healops alarm <event.json|->`: a CloudWatch "Alarm State Change" event (as EventBridge delivers it) through the
 * same problems, dedup rules and ticket routes as the checks: ALARM opens (or updates) a problem and triggers,
 * OK resolves. The AWS notify function runs the same core code.
 */
export async function alarmCommand(file: string, options: AlarmCommandOptions): Promise<ExitCode> {
  const { text, source } = readEvent(file);
  const event = parseAlarmEvent(text, source);
  const defaultSeverity = severityOf(options.severity);
  const config = await loadDeploymentConfig(options.config);
  const routes = config?.config.tickets ?? [];
  const store = openSqliteStore(resolveHome(options.home));
  try {
    const clock = new SystemClock();
    const tickets = await localTickets(store, clock, routes, {
      onProblem: (m) => out.error(sanitize(`healops: warning: ${m}`)),
    });
    const outcome = await applyAlarm({ state: store, audit: store, clock }, event, {
      routes: tickets?.routes ?? [],
      environment: config?.config.environment ?? 'default',
      ...(defaultSeverity ? { defaultSeverity } : {}),
    });
    const delivery = tickets ? await tickets.pipeline.deliver() : undefined;
    const pending = tickets ? (await tickets.pipeline.outbox.counts()).pending : 0;
    if (options.json) {
      out.json({
        key: outcome.key,
        action: outcome.action,
        message: outcome.message,
        queued: outcome.tickets.map((t) => ({ id: t.id, route: t.route, action: t.event.action })),
        delivered: delivery?.delivered ?? 0,
        pending,
      });
    } else {
      out.line(sanitize(`${outcome.action}: ${outcome.message}`));
      if (routes.length === 0 && outcome.tickets.length === 0 && outcome.action !== 'none')
        out.line('no tickets: routes in the config: the problem is recorded, nobody is told');
      if (delivery) out.line(`tickets: ${delivery.delivered} delivered, ${pending} pending`);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
