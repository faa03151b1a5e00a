import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoStoreError, wrapDynamoError } from './dynamo-store-error.js';
import { type ItemKey, TICKET_SEQ_KEY } from './item-keys.js';
import type { Item } from './item-values.js';

/** BatchWriteItem and BatchGetItem limits. */
const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;
/** Rounds spent on UnprocessedItems/UnprocessedKeys (the SDK retries throttled requests, not partial results). */
const UNPROCESSED_ROUNDS = 8;

/**
 * The SDK client a DynamoStore builds from plain configuration. `retryMode: 'adaptive'`: on throttling the client
 * also rate-limits itself (a token bucket fed by the throttle responses), so many Lambdas sharing the table slow down
 * together instead of burning their retries; 5 attempts cover a short burst. Condition failures and cancelled
 * transactions are answers, not faults: the SDK never retries them, and neither does the store.
 */
export function createDynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 5, ...config });
}

/** One table through the document client, with paging, batch remainders and error wrapping. */
export class DynamoTable {
  readonly name: string;
  readonly doc: DynamoDBDocumentClient;
  readonly #owned: DynamoDBClient | undefined;

  constructor(name: string, client: DynamoDBClient | DynamoDBClientConfig | undefined) {
    if (name === '') throw new DynamoStoreError('DynamoStore: tableName is empty');
    this.name = name;
    const base = client instanceof DynamoDBClient ? client : createDynamoClient(client);
    this.#owned = client instanceof DynamoDBClient ? undefined : base;
    this.doc = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  /** Runs `work`, wrapping anything but a HealOps error in DynamoStoreError naming `operation` and the table. */
  async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw wrapDynamoError(operation, this.name, error);
    }
  }

  /** Every item of a query, following LastEvaluatedKey; stops early once `enough` says so. */
  async queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    enough?: (items: readonly Item[]) => boolean,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && !(enough?.(items) ?? false));
    return items;
  }

  /** How many items a query matches (Select COUNT, every page). */
  async count(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Select'>): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.name, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return total;
  }

  /** Strongly consistent BatchGetItem of `keys` (any number), retrying unprocessed keys. Order is not kept. */
  async getMany(keys: readonly ItemKey[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let pending: Array<Record<string, unknown>> = keys.slice(i, i + BATCH_GET_MAX).map((k) => ({ ...k }));
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await this.#pause(round);
        if (round >= UNPROCESSED_ROUNDS) throw this.#unprocessed('BatchGetItem', pending.length);
        const out = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(out.Responses?.[this.name] ?? []));
        pending = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return items;
  }

  /** BatchWriteItem puts of `items` (any number), retrying unprocessed items. Not atomic across items. */
  async putMany(items: readonly Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
      let pending = items.slice(i, i + BATCH_WRITE_MAX).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await this.#pause(round);
        if (round >= UNPROCESSED_ROUNDS) throw this.#unprocessed('BatchWriteItem', pending.length);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        pending = (out.UnprocessedItems?.[this.name] ?? []).flatMap((r) =>
          r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }],
        );
      }
    }
  }

  /** Takes `n` consecutive ticket seq numbers from the atomic counter; returns the first. */
  async takeSeq(n: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.name,
        Key: { ...TICKET_SEQ_KEY },
        UpdateExpression: 'ADD #value :n',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':n': n },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const last: unknown = out.Attributes?.value;
    if (typeof last !== 'number')
      throw new DynamoStoreError(`DynamoDB table ${this.name}: ticket counter unreadable`);
    return last - n + 1;
  }

  /** Destroys the SDK client if this table built it. */
  close(): void {
    this.#owned?.destroy();
  }

  #pause(round: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** round)));
  }

  #unprocessed(operation: string, left: number): DynamoStoreError {
    return new DynamoStoreError(
      `DynamoDB table ${this.name}: ${operation} left ${left} items unprocessed after ${UNPROCESSED_ROUNDS} rounds (throttled)`,
    );
  }
}
