import { HealOpsError } from '@healops/core';

/**
 * An error the emulated SSM API answers: HTTP `status` with `{"__type": code, "message": ...}`, which
 * @aws-sdk/client-ssm turns into the exception class named `code` (or SSMServiceException with that name).
 */
export class SsmApiError extends HealOpsError {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** The emulator was set up wrongly by its caller (a bad document, instance or option): a bug in the test. */
export class SsmEmulatorSetupError extends HealOpsError {}

export const apiError = {
  validation: (message: string) => new SsmApiError('ValidationException', message),
  invalidParameters: (message: string) => new SsmApiError('InvalidParameters', message),
  invalidDocument: (message: string) => new SsmApiError('InvalidDocument', message),
  invalidDocumentVersion: (message: string) => new SsmApiError('InvalidDocumentVersion', message),
  invalidInstanceId: (message: string) => new SsmApiError('InvalidInstanceId', message),
  duplicateInstanceId: (message: string) => new SsmApiError('DuplicateInstanceId', message),
  invalidCommandId: (message: string) => new SsmApiError('InvalidCommandId', message),
  invocationDoesNotExist: (message: string) => new SsmApiError('InvocationDoesNotExist', message),
  invalidPluginName: (message: string) => new SsmApiError('InvalidPluginName', message),
  invalidNextToken: (message: string) => new SsmApiError('InvalidNextToken', message),
  invalidFilterKey: (message: string) => new SsmApiError('InvalidFilterKey', message),
  throttling: () => new SsmApiError('ThrottlingException', 'Rate exceeded'),
} as const;
