import { HealOpsError } from '@healops/core';

/**
 * An error the emulated CloudWatch API answers: HTTP `status` with `{"__type": code, "message": ...}` and the
 * awsQuery-compatible `x-amzn-query-error: <code>;<Sender|Receiver>` header, which @aws-sdk/client-cloudwatch
 * turns into the exception named `code`.
 */
export class CloudWatchApiError extends HealOpsError {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
