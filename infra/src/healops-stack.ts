import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HealOps, type HealOpsProps } from './healops.js';

export interface HealOpsStackProps extends StackProps, HealOpsProps {}

/** The stack `npx cdk deploy` deploys: the HealOps construct alone. */
export class HealOpsStack extends Stack {
  readonly healops: HealOps;

  constructor(scope: Construct, id: string, props: HealOpsStackProps) {
    super(scope, id, props);
    this.healops = new HealOps(this, 'HealOps', props);
    const { healops } = this;
    new CfnOutput(this, 'OutputBucketName', {
      value: healops.output.bucket.bucketName,
      description: 'SSM command output: instance roles need s3:PutObject on ssm-output/* of this bucket',
    });
    new CfnOutput(this, 'EventBusName', { value: healops.routing.bus.eventBusName });
    new CfnOutput(this, 'StateTableName', { value: healops.tables.state.tableName });
  }
}
