import type { CheckKey } from '../model/check.js';
import type { CheckRun } from '../model/results.js';
import type { Problem } from '../model/state.js';
import { SEVERITIES, type Severity, type StatusName } from '../model/status.js';
import type { AlarmEvent, AlarmStateValue } from './alarm-event.js';
import { problemTicket } from './problem-ticket.js';
import type { TicketAction, TicketEvent } from './ticket-event.js';
import { oneLine, truncate } from './ticket-text.js';

/** Problem reason of an alarm: a human is needed because CloudWatch says so (HealOps has no repair for it). */
export const ALARM_PROBLEM_REASON = 'cloudwatch-alarm';
/** Bound of the reason line (CloudWatch allows 1023 characters) and of reason + reasonData together. */
export const ALARM_REASON_MAX = 1024;
export const ALARM_OUTPUT_MAX = 4000;

/** How an alarm state reads as a Nagios status: ALARM fails, INSUFFICIENT_DATA is not seen. */
export const ALARM_STATUS = {
  ALARM: 'critical',
  OK: 'ok',
  INSUFFICIENT_DATA: 'unknown',
} as const satisfies Record<AlarmStateValue, StatusName>;

const SEVERITY_WORDS = SEVERITIES.join('|');
const SEVERITY_TOKEN = new RegExp(
  `(?:^|[^A-Za-z0-9_])severity\\s*[=:]\\s*(${SEVERITY_WORDS})(?![A-Za-z0-9_])`,
  'i',
);
const SEVERITY_TAG = new RegExp(`\\[(${SEVERITY_WORDS})\\]`, 'i');

function asSeverity(text: string | undefined): Severity | undefined {
  const lower = text?.trim().toLowerCase();
  return SEVERITIES.find((s) => s === lower);
}

/**
 * The severity an alarm asks for: a `severity=<level>` token in its description, else a `[<level>]` tag there, else
 * a `severity` tag on the alarm (when CloudWatch propagates tags to events), else `fallback`.
 */
export function alarmSeverity(event: AlarmEvent, fallback: Severity): Severity {
  const description = event.detail.configuration?.description ?? '';
  const fromText = asSeverity(SEVERITY_TOKEN.exec(description)?.[1] ?? SEVERITY_TAG.exec(description)?.[1]);
  if (fromText !== undefined) return fromText;
  const tags = event.detail.alarmTags ?? {};
  const tagKey = Object.keys(tags).find((k) => k.toLowerCase() === 'severity');
  const tag = tagKey === undefined ? undefined : tags[tagKey];
  return asSeverity(typeof tag === 'string' ? tag : undefined) ?? fallback;
}

/**
 * The CloudWatch console page of an alarm. The region is a validated region code, so it is safe in the host name;
 * China and GovCloud regions have consoles of their own.
 */
export function alarmConsoleUrl(region: string, alarmName: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** `CloudWatch alarm <name> in <region>: ALARM - <reason>`. */
export function alarmSummary(event: AlarmEvent): string {
  const { alarmName, state } = event.detail;
  return `CloudWatch alarm ${oneLine(alarmName)} in ${event.region}: ${state.value} - ${oneLine(state.reason)}`;
}

/**
 * The reason with its numbers masked (datapoints, thresholds, dates): two reasons of the same shape say the same
 * thing, so a repeated ALARM with only new numbers is not news. Numbers inside names (`disk-2`) are kept.
 */
export function alarmReasonShape(reason: string): string {
  return oneLine(reason).replace(/(?<![A-Za-z0-9_-])-?\d+(?:[.:/,]\d+)*(?:[eE][+-]?\d+)?/g, '#');
}

/** The alarm's state change as a check result, so the problem lifecycle treats it like one. */
export function alarmRun(event: AlarmEvent, key: CheckKey): CheckRun {
  const { state } = event.detail;
  const reason = oneLine(state.reason);
  const summary = truncate(reason, ALARM_REASON_MAX);
  const longOutput = state.reasonData ?? '';
  const full = longOutput === '' ? summary : `${summary}\n${longOutput}`;
  const output = truncate(full, ALARM_OUTPUT_MAX);
  return {
    key,
    status: ALARM_STATUS[state.value],
    // No process ran.
    exitCode: null,
    summary,
    longOutput,
    output,
    perfdata: [],
    perfdataErrors: [],
    truncated: summary !== reason || output !== full,
    durationMs: 0,
    startedAt: state.timestamp,
  };
}

/** What a human reads in the ticket's detail: the transition, and the alarm's own description. */
export function alarmDetail(event: AlarmEvent): string {
  const { state, previousState, configuration } = event.detail;
  const transition = `${previousState?.value ?? 'unknown'} -> ${state.value} at ${state.timestamp}`;
  const description = configuration?.description?.trim();
  return description ? `${transition}: ${description}` : transition;
}

export interface AlarmTicketInput {
  readonly action: TicketAction;
  readonly event: AlarmEvent;
  readonly key: CheckKey;
  /** The problem opened or refreshed (its state before closing, for a resolve). */
  readonly problem: Problem;
  readonly run: CheckRun;
  readonly environment: string;
  readonly at: Date;
}

/** The ticket event of an alarm's problem: the engine's, with the alarm's summary and a console link. */
export function alarmTicket(input: AlarmTicketInput): TicketEvent {
  const { event } = input;
  return {
    ...problemTicket({
      action: input.action,
      key: input.key,
      problem: input.problem,
      run: input.run,
      environment: input.environment,
      detail: alarmDetail(event),
      repairs: [],
      at: input.at,
    }),
    summary: alarmSummary(event),
    links: [
      {
        href: alarmConsoleUrl(event.region, event.detail.alarmName),
        text: `CloudWatch alarm ${truncate(oneLine(event.detail.alarmName), 200)}`,
      },
    ],
  };
}
