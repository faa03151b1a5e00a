import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';

// Optional Timestream for LiveAnalytics database and table for the metrics. Off by default: the service takes no
// new customers since 2025-06-20, so only accounts that already use it can deploy it; CloudWatch (EMF) is the
// default metrics store of the deployment.

export interface TimestreamStoreProps {
  /** Hours records stay in the memory store (default 24). */
  readonly memoryRetentionHours?: number;
  /** Days records stay in the magnetic store (default 365). */
  readonly magneticRetentionDays?: number;
  readonly removalPolicy?: RemovalPolicy;
}

export class TimestreamStore extends Construct {
  readonly database: timestream.CfnDatabase;
  readonly table: timestream.CfnTable;

  constructor(scope: Construct, id: string, props: TimestreamStoreProps = {}) {
    super(scope, id);
    this.database = new timestream.CfnDatabase(this, 'Database', {});
    this.table = new timestream.CfnTable(this, 'Table', {
      databaseName: this.database.ref,
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours ?? 24),
        MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays ?? 365),
      },
      magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    const policy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.database.applyRemovalPolicy(policy);
    this.table.applyRemovalPolicy(policy);
    const maintenance =
      'Opt-in only (off by default): for accounts that already use Timestream for LiveAnalytics';
    Validations.of(this.database).acknowledge(
      { id: 'CloudFormation-Validate::W3697', reason: maintenance },
      {
        id: 'AwsSolutions-TS3',
        reason:
          'Encrypted with the Timestream AWS managed key; a customer managed key adds cost and key management',
      },
    );
    Validations.of(this.table).acknowledge({ id: 'CloudFormation-Validate::W3697', reason: maintenance });
  }
}
