/**
 * The parts of the Lambda context object the notify function and Powertools read (the `aws-lambda` types are not
 * a dependency here).
 */
export interface LambdaContextLike {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}
