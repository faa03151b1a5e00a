import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { MotoServer } from '../../../../test/support/moto.js';
import { DynamoStore, type DynamoStoreOptions } from '../../src/dynamo/dynamo-store.js';
import { DYNAMO_TABLE_SCHEMA, dynamoCreateTableInput } from '../../src/dynamo/table-schema.js';

// One moto_server per test file, a fresh table per store() call, created from DYNAMO_TABLE_SCHEMA with the real
// SDK. Without moto every test using it fails with how to install it (MotoServer.start throws).

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDHEALOPSTEST', secretAccessKey: 'healops-test-secret' };

export interface DynamoMoto {
  /** The raw SDK client (for inspecting items as stored). */
  client(): DynamoDBClient;
  /** Creates a fresh table and returns its name. */
  table(): Promise<string>;
  /** A store on `tableName` (default: a fresh table), closed after the test. */
  store(options?: Partial<DynamoStoreOptions>): Promise<DynamoStore>;
}

export function useDynamoMoto(): DynamoMoto {
  let moto: MotoServer | undefined;
  let setupError: unknown;
  let raw: DynamoDBClient | undefined;
  const stores: DynamoStore[] = [];

  beforeAll(async () => {
    try {
      moto = await MotoServer.start();
      raw = new DynamoDBClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    } catch (error) {
      setupError = error;
    }
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  afterAll(async () => {
    raw?.destroy();
    await moto?.stop();
  });

  const server = (): MotoServer => {
    if (setupError !== undefined) throw setupError;
    if (moto === undefined) throw new Error('moto did not start');
    return moto;
  };
  const client = (): DynamoDBClient => {
    server();
    if (raw === undefined) throw new Error('no client');
    return raw;
  };
  const table = async (): Promise<string> => {
    const name = `healops-${randomUUID()}`;
    await client().send(new CreateTableCommand(dynamoCreateTableInput(name)));
    await client().send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: DYNAMO_TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
      }),
    );
    return name;
  };
  return {
    client,
    table,
    store: async (options = {}) => {
      const tableName = options.tableName ?? (await table());
      const store = new DynamoStore({
        client: { region: REGION, endpoint: server().endpoint, credentials: CREDENTIALS },
        ...options,
        tableName,
      });
      stores.push(store);
      return store;
    },
  };
}
