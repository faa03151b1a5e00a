import {
  type DeployedSinkConfig,
  parseSecretRef,
  type SecretRef,
  type TicketRouteConfig,
} from '@healops/core';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { HealOpsTag } from './deployment-bundle.js';
import { DeploymentConfigError } from './errors.js';

// The grants no CDK construct offers a method for: Run Command on the HealOps documents and tagged instances only,
// reading command results (those APIs take no resource), and the ticket routes' secrets by reference.

/** ssm:SendCommand with the HealOps documents, on instances (EC2 and hybrid) carrying the HealOps tag only. */
export function grantSendCommand(
  grantee: iam.IGrantable,
  scope: Construct,
  documentNames: readonly string[],
  tag: HealOpsTag,
): void {
  const stack = Stack.of(scope);
  if (documentNames.length > 0) {
    const resources = documentNames.map((name) =>
      stack.formatArn({ service: 'ssm', resource: 'document', resourceName: name }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources }),
    );
  }
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: [
        stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }),
        stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: '*' }),
      ],
      conditions: { StringEquals: { [`ssm:resourceTag/${tag.key}`]: tag.value } },
    }),
  );
}

/** Following and cancelling the commands it sent: these SSM actions do not support resource-level permissions. */
export function grantCommandStatus(grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'ssm:ListCommands',
        'ssm:ListCommandInvocations',
        'ssm:GetCommandInvocation',
        'ssm:CancelCommand',
      ],
      resources: ['*'],
    }),
  );
}

/** Every secret reference of the ticket routes. */
export function ticketSecretRefs(routes: readonly TicketRouteConfig[]): SecretRef[] {
  const texts = routes.flatMap((route) => {
    switch (route.type) {
      case 'pagerduty':
        return [route.routingKey];
      case 'jira':
        return [route.email, route.apiToken];
      case 'webhook':
        return [route.secret];
      default:
        return [];
    }
  });
  return [...new Set(texts)].map(parseSecretRef);
}

/** Every secret reference of the deployed metrics sinks (an influx token or password). */
export function sinkSecretRefs(sinks: readonly DeployedSinkConfig[]): SecretRef[] {
  const texts = sinks.flatMap((sink) =>
    sink.type === 'influx' ? [sink.token, sink.password].filter((t) => t !== undefined) : [],
  );
  return [...new Set(texts)].map(parseSecretRef);
}

/**
 * Read access on exactly the referenced secrets: `ssm:/path` (GetParameter; a SecureString under the default
 * aws/ssm key needs no key grant) and `secretsmanager:name` (any version suffix of that name). `env:` references cannot be deployed:
 * their values would have to be written into the template.
 */
export function grantTicketSecrets(
  grantee: iam.IGrantable,
  scope: Construct,
  routes: readonly TicketRouteConfig[],
): void {
  grantSecretRefs([grantee], scope, ticketSecretRefs(routes), {
    section: 'tickets',
    idPrefix: 'TicketSecret',
  });
}

/** The same for the metrics sinks' secrets (influx token / password), granted to each function that writes. */
export function grantSinkSecrets(
  grantees: readonly iam.IGrantable[],
  scope: Construct,
  sinks: readonly DeployedSinkConfig[],
): void {
  grantSecretRefs(grantees, scope, sinkSecretRefs(sinks), { section: 'metrics', idPrefix: 'SinkSecret' });
}

function grantSecretRefs(
  grantees: readonly iam.IGrantable[],
  scope: Construct,
  refs: readonly SecretRef[],
  where: { readonly section: string; readonly idPrefix: string },
): void {
  const stack = Stack.of(scope);
  const parameters: string[] = [];
  refs.forEach((ref, index) => {
    if (ref.source === 'env') {
      throw new DeploymentConfigError(
        `${where.section}: ${ref.text} cannot be deployed (an environment variable would put the secret in the template); store it in SSM Parameter Store (ssm:/path) or Secrets Manager (secretsmanager:name)`,
      );
    }
    if (ref.source === 'ssm') {
      parameters.push(
        stack.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: ref.name.replace(/^\//, ''),
        }),
      );
      return;
    }
    const secret = secretsmanager.Secret.fromSecretNameV2(scope, `${where.idPrefix}${index}`, ref.name);
    for (const grantee of grantees) secret.grantRead(grantee);
  });
  if (parameters.length > 0) {
    for (const grantee of grantees) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameters }),
      );
    }
  }
}

/** A Timestream table the functions write to: by name (the config's, in `region` or the stack's) or by ARN. */
export type TimestreamTableRef =
  | { readonly database: string; readonly table: string; readonly region?: string }
  | { readonly arn: string };

/**
 * timestream:WriteRecords on exactly the tables, and timestream:DescribeEndpoints, which the SDK calls for endpoint
 * discovery and which supports no resource-level permissions (resource `*`, acknowledged in cdk-nag).
 */
export function grantTimestreamWrite(
  grantees: readonly iam.IGrantable[],
  scope: Construct,
  tables: readonly TimestreamTableRef[],
): void {
  if (tables.length === 0) return;
  const stack = Stack.of(scope);
  const resources = tables.map((t) =>
    'arn' in t
      ? t.arn
      : stack.formatArn({
          service: 'timestream',
          resource: 'database',
          resourceName: `${t.database}/table/${t.table}`,
          ...(t.region ? { region: t.region } : {}),
        }),
  );
  for (const grantee of grantees) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['timestream:WriteRecords'], resources }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }),
    );
  }
}
