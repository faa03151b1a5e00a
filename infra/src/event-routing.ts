import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  HEALOPS_DETAIL_TYPES,
  HEALOPS_EVENT_SOURCE,
} from '@healops/core';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

// The HealOps event bus and its rules: `Check Continue` back to the check function, `Check Failed` to the repair
// function, `Escalated` / `Recovered` and the state changes of this deployment's CloudWatch alarms (default bus) to
// the ticket queue the notify function reads. Rule targets retry, then dead-letter; the ticket queue redrives to
// its own dead-letter queue. Every queue is encrypted (SSE-SQS) and refuses plain HTTP.

const TARGET_RETRIES = 4;
const TARGET_MAX_AGE = Duration.hours(1);
/** Receives of a ticket message before it moves to the dead-letter queue. */
export const TICKET_MAX_RECEIVES = 5;
/** Notify invocations reading the queue at once (the SQS event source minimum is 2). */
export const NOTIFY_MAX_CONCURRENCY = 2;

export interface EventRoutingProps {
  /** Name of the HealOps bus (the functions are told it before the bus exists). */
  readonly busName: string;
  readonly checkFunction: lambda.IFunction;
  readonly repairFunction: lambda.IFunction;
  readonly notifyFunction: lambda.IFunction;
  /** The notify function's timeout: the queue's visibility timeout is six times it, as Lambda recommends. */
  readonly notifyTimeout: Duration;
  /** Names of the alarms whose state changes are routed to tickets start with this. */
  readonly alarmNamePrefix: string;
}

function secureQueue(scope: Construct, id: string, props: sqs.QueueProps = {}): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...props,
  });
}

export class EventRouting extends Construct {
  readonly bus: events.EventBus;
  readonly ticketQueue: sqs.Queue;
  readonly ticketDeadLetterQueue: sqs.Queue;
  /** Where rule targets put events they could not deliver. */
  readonly eventDeadLetterQueue: sqs.Queue;
  readonly rules: Record<'checkContinue' | 'checkFailed' | 'tickets' | 'alarms', events.Rule>;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'HealOps events (source healops)',
    });
    this.eventDeadLetterQueue = secureQueue(this, 'EventDeadLetters');
    this.ticketDeadLetterQueue = secureQueue(this, 'TicketDeadLetters');
    this.ticketQueue = secureQueue(this, 'Tickets', {
      visibilityTimeout: Duration.seconds(props.notifyTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.ticketDeadLetterQueue, maxReceiveCount: TICKET_MAX_RECEIVES },
    });
    const retry = {
      deadLetterQueue: this.eventDeadLetterQueue,
      retryAttempts: TARGET_RETRIES,
      maxEventAge: TARGET_MAX_AGE,
    };
    const healops = (detailType: string[]) => ({ source: [HEALOPS_EVENT_SOURCE], detailType });
    this.rules = {
      checkContinue: new events.Rule(this, 'CheckContinue', {
        eventBus: this.bus,
        description: 'A check run out of time continues in a new invocation',
        eventPattern: healops([HEALOPS_DETAIL_TYPES.checkContinue]),
        targets: [new targets.LambdaFunction(props.checkFunction, retry)],
      }),
      checkFailed: new events.Rule(this, 'CheckFailed', {
        eventBus: this.bus,
        description: 'A hard failure goes to the repair function',
        eventPattern: healops([HEALOPS_DETAIL_TYPES.checkFailed]),
        targets: [new targets.LambdaFunction(props.repairFunction, retry)],
      }),
      tickets: new events.Rule(this, 'TicketEvents', {
        eventBus: this.bus,
        description: 'Escalations and recoveries wake the ticket delivery',
        eventPattern: healops([HEALOPS_DETAIL_TYPES.escalated, HEALOPS_DETAIL_TYPES.recovered]),
        targets: [new targets.SqsQueue(this.ticketQueue, retry)],
      }),
      alarms: new events.Rule(this, 'AlarmEvents', {
        description: 'State changes of the HealOps alarms become tickets',
        eventPattern: {
          source: [ALARM_EVENT_SOURCE],
          detailType: [ALARM_EVENT_DETAIL_TYPE],
          detail: { alarmName: [{ prefix: props.alarmNamePrefix }] },
        },
        targets: [new targets.SqsQueue(this.ticketQueue, retry)],
      }),
    };
    props.notifyFunction.addEventSource(
      new SqsEventSource(this.ticketQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: NOTIFY_MAX_CONCURRENCY,
      }),
    );
  }
}
