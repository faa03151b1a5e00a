import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HANDLER } from './lambda-build.js';

// The one place the HealOps functions get their defaults: Node.js 22 on arm64, the esbuild bundle (ESM, minified,
// source maps on), an explicit log group with retention, a role of its own that holds only what the function is
// granted (no AWSLambdaBasicExecutionRole: it would allow every log group).

export interface HealOpsFunctionProps {
  /** Asset folder: index.mjs, its source map, healops-bundle.json. */
  readonly assetDir: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** Reserved concurrency: at most this many at once (undefined: the account pool). */
  readonly reservedConcurrency?: number;
  readonly logRemovalPolicy?: RemovalPolicy;
}

export const FUNCTION_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  handler: HANDLER,
} as const;

export class HealOpsFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HealOpsFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `HealOps ${id} function`,
    });
    this.function = new lambda.Function(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      code: lambda.Code.fromAsset(props.assetDir),
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
    });
    this.logGroup.grantWrite(this.role);
  }
}
