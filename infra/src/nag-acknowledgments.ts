import { GRAPH_OBJECT_PREFIX, SSM_OUTPUT_PREFIX } from '@healops/core';
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { HealOps } from './healops.js';

// Every cdk-nag AwsSolutions finding HealOps keeps, acknowledged on the construct that causes it, with the reason.
// Findings are matched exactly (IAM5 per resource or action), so a new wildcard is a new, unacknowledged finding.

function ref(element: IConstruct): string {
  const stack = Stack.of(element);
  return stack.getLogicalId(element.node.defaultChild as CfnElement);
}

function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function acknowledgeNagFindings(healops: HealOps): void {
  const { functions, tables, output, routing, schedules } = healops;
  const state = ref(tables.state);
  for (const fn of Object.values(functions)) {
    ack(
      fn.function,
      'AwsSolutions-L1',
      'HealOps targets the Node.js 22 runtime (its bundles are built for node22 and tested on it); move with the engines field',
    );
    ack(
      fn.role,
      `AwsSolutions-IAM5[Resource::<${state}.Arn>/index/*]`,
      'Table.grantReadWriteData: the store queries its two indexes gsi1 (open problems, pending tickets) and gsi2 (states, attempts)',
    );
  }
  for (const fn of [functions.check, functions.repair]) {
    ack(
      fn.role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
      'ssm:SendCommand reaches only EC2 instances carrying the HealOps tag (ssm:resourceTag condition); instance ids are not known at deploy time',
    );
    ack(
      fn.role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:managed-instance/*]',
      'ssm:SendCommand reaches only hybrid managed nodes carrying the HealOps tag (ssm:resourceTag condition)',
    );
    ack(
      fn.role,
      'AwsSolutions-IAM5[Resource::*]',
      `ssm:ListCommands, ListCommandInvocations, GetCommandInvocation and CancelCommand${healops.writesTimestream ? ', and timestream:DescribeEndpoints (the SDK endpoint discovery before WriteRecords),' : ''} support no resource-level permissions`,
    );
    ack(
      fn.role,
      `AwsSolutions-IAM5[Resource::<${ref(output.bucket)}.Arn>/${SSM_OUTPUT_PREFIX}/*]`,
      's3:GetObject only, on the SSM command output (keys hold command and instance ids, made at run time)',
    );
  }
  ack(
    functions.notify.role,
    'AwsSolutions-IAM5[Resource::*]',
    'cloudwatch:GetMetricWidgetImage (graph images for tickets) supports no resource-level permissions',
  );
  ack(
    functions.notify.role,
    `AwsSolutions-IAM5[Resource::<${ref(output.bucket)}.Arn>/${GRAPH_OBJECT_PREFIX}/*]`,
    's3:PutObject and GetObject on the ticket graph images only: keys (one per ticket action) are made at run time',
  );
  ack(
    output.bucket,
    'AwsSolutions-S1',
    'Only SSM command output and ticket graph images land here (private, TLS only, expiring); access logs would need a second bucket for little gain. Use CloudTrail S3 data events where an audit is required',
  );
  ack(
    routing.eventDeadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the rule targets',
  );
  ack(schedules.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the schedules');
}
