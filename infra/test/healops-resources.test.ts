import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DYNAMO_TABLE_SCHEMA } from '@healops/aws';
import { bundleSchedules, HEALOPS_DETAIL_TYPES, HEALOPS_EVENT_SOURCE } from '@healops/core';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleInput } from '../../packages/core/src/deploy/schedule-input.js';
import type { HealOpsArtifacts } from '../src/healops-artifacts.js';
import { BUNDLE_FILE } from '../src/lambda-build.js';
import { artifactsOf, synthesize } from './support/synth-healops.js';

type Resources = Record<string, { Properties: Record<string, unknown> }>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string>>;
  Effect: string;
}

let artifacts: HealOpsArtifacts;
let template: Template;

beforeAll(async () => {
  artifacts = await artifactsOf();
  ({ template } = synthesize(artifacts));
});

function resources(type: string): Resources {
  return template.findResources(type) as Resources;
}

function statements(policyIdPart: string): Statement[] {
  return Object.entries(resources('AWS::IAM::Policy'))
    .filter(([id]) => id.includes(policyIdPart))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

describe('HealOps functions', () => {
  it('run on Node.js 22, arm64, the bundled index.handler with source maps, each with its own log group', () => {
    const functions = Object.values(resources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        LoggingConfig: { LogGroup: { Ref: expect.stringContaining('Logs') } },
      });
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('hold no managed policy and no wildcard action', () => {
    for (const role of Object.values(resources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const all = statements('');
    expect(all.length).toBeGreaterThan(10);
    for (const statement of all) {
      expect(statement.Effect).toBe('Allow');
      for (const action of actions(statement)) expect(action).not.toContain('*');
    }
  });

  it('cap the repair function with reserved concurrency so a storm of failures cannot start unbounded repairs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('repair'),
      ReservedConcurrentExecutions: 5,
      Timeout: 900,
    });
  });

  it('tell the functions the table, idempotency table and bus they are granted', () => {
    for (const service of ['check', 'repair']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: `healops-${service}`,
            HEALOPS_TABLE_NAME: { Ref: Match.stringLikeRegexp('TablesState') },
            HEALOPS_IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('TablesIdempotency') },
            HEALOPS_EVENT_BUS_NAME: 'HealOps-HealOpsTest',
          }),
        },
      });
    }
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'HealOps-HealOpsTest' });
  });

  it('ship the deployment bundle beside each handler', () => {
    for (const name of ['check', 'repair', 'notify'] as const) {
      const bundle: unknown = JSON.parse(readFileSync(join(artifacts.assets[name], BUNDLE_FILE), 'utf8'));
      expect(bundle).toEqual(artifacts.bundle);
    }
    expect(artifacts.bundle.packages.map((p) => p.name)).toEqual(['demo', 'linux-base', 'windows-base']);
  });
});

describe('HealOps state', () => {
  it('creates the state table exactly as DYNAMO_TABLE_SCHEMA describes, on demand, with PITR, TTL and SSE', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: DYNAMO_TABLE_SCHEMA.keySchema,
      AttributeDefinitions: Match.arrayWith(DYNAMO_TABLE_SCHEMA.attributeDefinitions.map((d) => d)),
      GlobalSecondaryIndexes: DYNAMO_TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: g.Projection,
      })),
      BillingMode: DYNAMO_TABLE_SCHEMA.billingMode,
      TimeToLiveSpecification: { AttributeName: DYNAMO_TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const state = Object.values(resources('AWS::DynamoDB::Table')).find(
      (t) => (t.Properties.GlobalSecondaryIndexes as unknown[] | undefined)?.length,
    );
    expect(state?.Properties.AttributeDefinitions).toHaveLength(
      DYNAMO_TABLE_SCHEMA.attributeDefinitions.length,
    );
  });

  it('creates the Powertools idempotency table (id, TTL expiration), on demand, with PITR and SSE', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('retains the tables, the bucket and the log groups when the stack is deleted', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  it('keeps the output bucket private, encrypted, TLS-only and expiring', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('HealOps SSM access', () => {
  it('creates one Command document per package, updated as a new version named after its content', () => {
    const documents = Object.values(resources('AWS::SSM::Document'));
    expect(documents).toHaveLength(artifacts.documents.length);
    for (const document of artifacts.documents) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: document.name,
        DocumentType: 'Command',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        VersionName: document.versionName,
        Content: JSON.parse(document.json),
      });
    }
    for (const pkg of artifacts.bundle.packages) expect(pkg.document.documentVersion).toBe('$LATEST');
  });

  it('lets check and repair send only the HealOps documents, only to instances carrying the HealOps tag', () => {
    for (const role of ['check', 'repair']) {
      const sends = statements(`${role}Role`).filter((s) => actions(s).includes('ssm:SendCommand'));
      expect(sends).toHaveLength(2);
      const [documents, instances] = sends;
      const names = JSON.stringify(documents?.Resource);
      for (const d of artifacts.documents) expect(names).toContain(`:document/${d.name}"`);
      expect(names).not.toContain('*');
      expect(documents?.Condition).toBeUndefined();
      expect(instances?.Condition).toEqual({ StringEquals: { 'ssm:resourceTag/HealOps': 'enabled' } });
      expect(JSON.stringify(instances?.Resource)).toMatch(/:instance\/\*".*:managed-instance\/\*"/);
    }
    expect(statements('notifyRole').some((s) => actions(s).includes('ssm:SendCommand'))).toBe(false);
  });

  it('aims packages with local targets at the tagged instances of their platform', () => {
    const linux = artifacts.bundle.packages.find((p) => p.name === 'linux-base');
    expect(linux?.targets).toEqual({ type: 'tags', tags: { HealOps: ['enabled'] }, platform: 'linux' });
  });
});

describe('HealOps schedules', () => {
  it('schedules each (package, expression) once, with scheduleInput, retries and a dead-letter queue', () => {
    const expected = bundleSchedules(artifacts.bundle);
    const schedules = Object.values(resources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(expected.length + 1);
    expect(expected.length).toBeLessThan(artifacts.bundle.packages.flatMap((p) => p.checks).length);
    for (const entry of expected) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: entry.schedule,
        ScheduleExpressionTimezone: 'UTC',
        GroupName: { Ref: Match.stringLikeRegexp('SchedulesGroup') },
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('check'), 'Arn'] },
          Input: JSON.stringify(scheduleInput(entry.package, entry.schedule)),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SchedulesDeadLetters'), 'Arn'] },
          },
        }),
      });
    }
  });

  it('drains the ticket outbox on a schedule of its own', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('notify'), 'Arn'] },
        Input: '{"drain":true}',
      }),
    });
  });

  it('lets Scheduler invoke only the check and notify functions, from this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const invoke = statements('SchedulesRole').find((s) => actions(s).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringContaining('check'), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringContaining('notify'), 'Arn'] },
    ]);
  });
});

describe('HealOps events and tickets', () => {
  function ruleTarget(detailType: string) {
    return template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { source: [HEALOPS_EVENT_SOURCE], 'detail-type': [detailType] } },
    });
  }

  it('routes Check Continue to the check function and Check Failed to the repair function, with retries and a DLQ', () => {
    for (const [detailType, fn] of [
      [HEALOPS_DETAIL_TYPES.checkContinue, 'check'],
      [HEALOPS_DETAIL_TYPES.checkFailed, 'repair'],
    ] as const) {
      const found = Object.values(ruleTarget(detailType));
      expect(found).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        EventBusName: { Ref: expect.stringContaining('Bus') },
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [expect.stringContaining(fn), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringContaining('EventDeadLetters'), 'Arn'] } },
          },
        ],
      });
    }
  });

  it('routes Escalated, Recovered and this stack’s alarm state changes to the ticket queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [HEALOPS_EVENT_SOURCE],
        'detail-type': [HEALOPS_DETAIL_TYPES.escalated, HEALOPS_DETAIL_TYPES.recovered],
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Tickets'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'HealOps-HealOpsTest-' }] },
      },
      EventBusName: Match.absent(),
    });
  });

  it('encrypts every queue, refuses plain HTTP, and redrives the ticket queue to its dead-letter queue', () => {
    const queues = resources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(resources('AWS::SQS::QueuePolicy'));
    const secured = policies.filter((p) =>
      JSON.stringify(p.Properties).includes('"aws:SecureTransport":"false"'),
    );
    expect(secured).toHaveLength(4);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 720,
      RedrivePolicy: {
        maxReceiveCount: 5,
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TicketDeadLetters'), 'Arn'] },
      },
    });
  });

  it('reads the ticket queue with partial batch failures and at most two notify invocations', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('notify') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      BatchSize: 10,
    });
  });

  it('lets check and repair only read command output from the bucket, and notify only its graph images', () => {
    for (const role of ['checkRole', 'repairRole']) {
      const s3 = statements(role).filter((s) => actions(s).some((a) => a.startsWith('s3:')));
      expect(s3.map(actions)).toEqual([['s3:GetObject']]);
      expect(JSON.stringify(s3[0]?.Resource)).toContain('/ssm-output/*');
    }
    const notify = statements('notifyRole');
    const notifyS3 = notify.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    expect(notifyS3.map(actions)).toEqual([['s3:PutObject', 's3:GetObject']]);
    expect(JSON.stringify(notifyS3[0]?.Resource)).toContain('/graphs/*');
    expect(notify.some((s) => actions(s).includes('cloudwatch:GetMetricWidgetImage'))).toBe(true);
    expect(notify.some((s) => actions(s).some((a) => a.startsWith('secretsmanager:')))).toBe(false);
    for (const name of ['check', 'repair']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Description: Match.stringLikeRegexp(name === 'check' ? 'run the checks' : 'repair on'),
        Environment: { Variables: Match.objectLike({ HEALOPS_OUTPUT_BUCKET: Match.anyValue() }) },
      });
    }
  });
});
