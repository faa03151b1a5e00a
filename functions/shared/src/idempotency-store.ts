import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Where Powertools Idempotency keeps its records: a table whose partition key is `id` (string), TTL `expiration`.
 * The check and repair functions share one table (their keys carry different prefixes and payloads).
 */
export interface IdempotencyStore {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /**
   * How long a finished invocation answers a duplicate from its record. Each function has its own default: a repair
   * step 1 hour, a check run 24 hours.
   */
  readonly expiresAfterSeconds?: number;
}
