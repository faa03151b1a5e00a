import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

// The full output of SSM commands (under ssm-output/, written by the instances' SSM agent, read by the check and
// repair functions): private, encrypted, TLS only, expiring.

export interface OutputBucketProps {
  /** Days an object is kept (default 90). */
  readonly expireAfterDays?: number;
  readonly removalPolicy?: RemovalPolicy;
}

export class OutputBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: OutputBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire',
          expiration: Duration.days(props.expireAfterDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}
