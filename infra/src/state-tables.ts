import { DYNAMO_TABLE_SCHEMA } from '@healops/aws';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DeploymentConfigError } from './errors.js';

// The state table (DynamoStore: state, audit, ticket outbox) built from DYNAMO_TABLE_SCHEMA, so the keys, indexes
// and TTL attribute cannot drift from what the store expects; and the Powertools idempotency table (pk `id`, TTL
// `expiration`). Both on-demand, point-in-time recovery, encrypted with the AWS managed key, retained on delete.

/** What DynamoStore calls (TransactWriteItems is authorized per contained Put, Update, Delete, ConditionCheck). */
export const STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** What Powertools Idempotency's DynamoDB persistence layer calls. */
export const IDEMPOTENCY_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

/** Powertools Idempotency's default table layout. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttl: 'expiration' } as const;

function attribute(name: string): dynamodb.Attribute {
  const definition = DYNAMO_TABLE_SCHEMA.attributeDefinitions.find((d) => d.AttributeName === name);
  if (definition?.AttributeType !== 'S') {
    throw new DeploymentConfigError(`DYNAMO_TABLE_SCHEMA defines no string attribute ${name}`);
  }
  return { name, type: dynamodb.AttributeType.STRING };
}

function keyOf(schema: ReadonlyArray<{ AttributeName: string; KeyType: string }>, type: string): string {
  const key = schema.find((k) => k.KeyType === type);
  if (key === undefined) throw new DeploymentConfigError(`DYNAMO_TABLE_SCHEMA has no ${type} key`);
  return key.AttributeName;
}

const PROJECTIONS: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
};

export interface StateTablesProps {
  readonly removalPolicy?: RemovalPolicy;
}

export class StateTables extends Construct {
  readonly state: dynamodb.Table;
  readonly idempotency: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTablesProps = {}) {
    super(scope, id);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    } as const;
    this.state = new dynamodb.Table(this, 'State', {
      ...common,
      partitionKey: attribute(keyOf(DYNAMO_TABLE_SCHEMA.keySchema, 'HASH')),
      sortKey: attribute(keyOf(DYNAMO_TABLE_SCHEMA.keySchema, 'RANGE')),
      timeToLiveAttribute: DYNAMO_TABLE_SCHEMA.timeToLiveAttribute,
    });
    for (const index of DYNAMO_TABLE_SCHEMA.globalSecondaryIndexes) {
      const projectionType = PROJECTIONS[index.Projection.ProjectionType];
      if (projectionType === undefined) {
        throw new DeploymentConfigError(`index ${index.IndexName}: unknown projection`);
      }
      this.state.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: attribute(keyOf(index.KeySchema, 'HASH')),
        sortKey: attribute(keyOf(index.KeySchema, 'RANGE')),
        projectionType,
      });
    }
    this.idempotency = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttl,
    });
  }
}
