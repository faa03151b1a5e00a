import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MotoServer } from '../support/moto.js';

// The conditional-write races the DynamoDB store and the repair Lambda rely on (two writers, one version: one wins)
// must hold in tests as they do in DynamoDB. moto alone does not guarantee it; the MotoServer endpoint puts a proxy
// in front that hands DynamoDB requests to moto one at a time. This checks the endpoint the tests use.

let moto: MotoServer;
let client: DynamoDBClient;
beforeAll(async () => {
  moto = await MotoServer.start();
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'race',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

describe('DynamoDB on the test moto endpoint', () => {
  it('lets exactly one of eight racing conditional writes win, every time', async () => {
    const winners: number[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const pk = { S: `k${trial}` };
      await client.send(new PutItemCommand({ TableName: 'race', Item: { pk, v: { N: '1' } } }));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: 'race',
                    Item: { pk, v: { N: '2' }, writer: { N: String(i) } },
                    ConditionExpression: 'v = :expected',
                    ExpressionAttributeValues: { ':expected': { N: '1' } },
                  },
                },
              ],
            }),
          ),
        ),
      );
      winners.push(results.filter((r) => r.status === 'fulfilled').length);
    }
    expect(winners).toEqual(Array.from({ length: 30 }, () => 1));
  }, 60_000);
});
