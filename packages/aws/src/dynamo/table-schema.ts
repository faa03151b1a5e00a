import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB table behind DynamoStore. The CDK stack (issue 6) must create exactly this: the store relies on
 * the key names, both indexes and the TTL attribute.
 *
 * gsi1 (projection ALL, sparse): open problems (`PROBLEM`, sorted by openedAt) and the pending and dead ticket
 * actions of each route (`TICKETS#pending#<route>`, `TICKETS#dead#<route>`, sorted by seq). Only items in those
 * states carry gsi1 keys, so the index stays small and a claim pass reads only what is waiting.
 *
 * gsi2 (projection KEYS_ONLY): every check state (`STATE`, for listStates) and the last delivery attempt of each
 * ticket action per route (`ATTEMPT#<route>`, sorted by time, for the rate-limit seed). KEYS_ONLY because state
 * saves are frequent: an index that projects no state attribute is written only when its keys change.
 */
export const DYNAMO_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttl: 'expiresAt',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  gsi2: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export const DYNAMO_TABLE_SCHEMA = {
  attributeDefinitions: [
    { AttributeName: DYNAMO_KEYS.partitionKey, AttributeType: 'S' },
    { AttributeName: DYNAMO_KEYS.sortKey, AttributeType: 'S' },
    { AttributeName: DYNAMO_KEYS.gsi1.partitionKey, AttributeType: 'S' },
    { AttributeName: DYNAMO_KEYS.gsi1.sortKey, AttributeType: 'S' },
    { AttributeName: DYNAMO_KEYS.gsi2.partitionKey, AttributeType: 'S' },
    { AttributeName: DYNAMO_KEYS.gsi2.sortKey, AttributeType: 'S' },
  ],
  keySchema: [
    { AttributeName: DYNAMO_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: DYNAMO_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  globalSecondaryIndexes: [
    {
      IndexName: DYNAMO_KEYS.gsi1.indexName,
      KeySchema: [
        { AttributeName: DYNAMO_KEYS.gsi1.partitionKey, KeyType: 'HASH' },
        { AttributeName: DYNAMO_KEYS.gsi1.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: DYNAMO_KEYS.gsi2.indexName,
      KeySchema: [
        { AttributeName: DYNAMO_KEYS.gsi2.partitionKey, KeyType: 'HASH' },
        { AttributeName: DYNAMO_KEYS.gsi2.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  /** Epoch seconds (DynamoDB TTL): audit events after the retention, delivered ticket actions after 30 days. */
  timeToLiveAttribute: DYNAMO_KEYS.ttl,
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** CreateTable input for the schema (on-demand capacity): what tests and local tooling create. */
export function dynamoCreateTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: DYNAMO_TABLE_SCHEMA.attributeDefinitions.map((d) => ({ ...d })),
    KeySchema: DYNAMO_TABLE_SCHEMA.keySchema.map((k) => ({ ...k })),
    GlobalSecondaryIndexes: DYNAMO_TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema.map((k) => ({ ...k })),
      Projection: { ...g.Projection },
    })),
    BillingMode: DYNAMO_TABLE_SCHEMA.billingMode,
  };
}
