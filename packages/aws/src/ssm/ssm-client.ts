import { SSMClient } from '@aws-sdk/client-ssm';

export interface SsmClientOptions {
  readonly region?: string;
  /** Endpoint override (the SSM emulator in tests, a VPC endpoint). */
  readonly endpoint?: string;
  /** Attempts per call, first one included (default 6). */
  readonly maxAttempts?: number;
}

/**
 * An SSM client whose throttled calls are retried by the SDK's adaptive strategy: it backs off and also slows the
 * client's own sending rate when SSM throttles (SendCommand and the listing calls share an account-wide rate), so
 * a 1,000-host fleet does not hammer the API into more throttling.
 */
export function createSsmClient(options: SsmClientOptions = {}): SSMClient {
  return new SSMClient({
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 6,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}
