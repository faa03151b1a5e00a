import { createHash } from 'node:crypto';
import { type BundleSchedule, parseSchedule, scheduleInput } from '@healops/core';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

// EventBridge Scheduler: one schedule group, one schedule per (package, expression) — never one per check — each
// invoking the check function with core's scheduleInput, retrying briefly (a check older than its interval is
// worthless: the next one is due), dead-lettering to an encrypted queue. Rates of 10 minutes and more get a
// flexible window of a tenth of the interval (at most 15 minutes) to spread the load; cron schedules run on time.

export const DRAIN_INPUT = { drain: true } as const;
const RETRY_ATTEMPTS = 2;
const MAX_FLEX_MINUTES = 15;

/** Scheduler's own expression syntax is the manifest's: rate(N unit) and 6-field cron(...), evaluated in UTC. */
export function schedulerTiming(expression: string): {
  readonly expression: string;
  readonly flexMinutes: number;
  readonly maxAgeSeconds: number;
} {
  const parsed = parseSchedule(expression);
  if (parsed.kind === 'cron') return { expression: parsed.text, flexMinutes: 0, maxAgeSeconds: 3600 };
  const minutes = parsed.everyMs / 60_000;
  const flexMinutes = minutes >= 10 ? Math.min(MAX_FLEX_MINUTES, Math.floor(minutes / 10)) : 0;
  return {
    expression: parsed.text,
    flexMinutes,
    maxAgeSeconds: Math.min(86_400, Math.max(60, minutes * 60)),
  };
}

/** A readable, unique schedule name (Scheduler allows 64 characters of [0-9a-zA-Z-_.]). */
export function scheduleName(pkg: string, expression: string): string {
  const hash = createHash('sha256').update(expression).digest('hex').slice(0, 8);
  const kind = expression.startsWith('rate') ? 'rate' : 'cron';
  return `${pkg.slice(0, 48)}-${kind}-${hash}`;
}

export interface CheckSchedulesProps {
  readonly schedules: readonly BundleSchedule[];
  readonly checkFunction: lambda.IFunction;
  readonly notifyFunction: lambda.IFunction;
  /** How often the notify function drains the ticket outbox. */
  readonly drainSchedule: string;
}

export class CheckSchedules extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;
  readonly schedules: scheduler.CfnSchedule[] = [];

  constructor(scope: Construct, id: string, props: CheckSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', {});
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: invoke the HealOps functions',
    });
    // Scheduler invokes the unqualified functions: no grant on their versions and aliases (`:*`).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.checkFunction.functionArn, props.notifyFunction.functionArn],
      }),
    );
    this.deadLetterQueue.grantSendMessages(this.role);
    for (const entry of props.schedules) {
      const input = JSON.stringify(scheduleInput(entry.package, entry.schedule));
      const timing = schedulerTiming(entry.schedule);
      this.add(scheduleName(entry.package, entry.schedule), timing, props.checkFunction, input, entry);
    }
    this.add(
      'ticket-drain',
      { ...schedulerTiming(props.drainSchedule), flexMinutes: 0 },
      props.notifyFunction,
      JSON.stringify(DRAIN_INPUT),
    );
  }

  private add(
    name: string,
    timing: ReturnType<typeof schedulerTiming>,
    target: lambda.IFunction,
    input: string,
    entry?: BundleSchedule,
  ): void {
    const schedule = new scheduler.CfnSchedule(this, name, {
      name,
      groupName: this.group.ref,
      description: entry
        ? `HealOps ${entry.package}: ${entry.jobs.length} job(s) every ${entry.schedule}`.slice(0, 512)
        : 'HealOps ticket delivery pass',
      scheduleExpression: timing.expression,
      scheduleExpressionTimezone: 'UTC',
      state: 'ENABLED',
      flexibleTimeWindow:
        timing.flexMinutes > 0
          ? { mode: 'FLEXIBLE', maximumWindowInMinutes: timing.flexMinutes }
          : { mode: 'OFF' },
      target: {
        arn: target.functionArn,
        roleArn: this.role.roleArn,
        input,
        retryPolicy: {
          maximumRetryAttempts: RETRY_ATTEMPTS,
          maximumEventAgeInSeconds: timing.maxAgeSeconds,
        },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    this.schedules.push(schedule);
  }
}
