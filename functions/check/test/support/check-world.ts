import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  createSsmClient,
  type DynamoStore,
  EventBridgePublisher,
  SsmExecutor,
  SsmFleetExecutor,
  SsmRunner,
} from '@healops/aws';
import {
  type AuditLog,
  BUNDLE_VERSION,
  type BundlePackage,
  HEALOPS_DETAIL_TYPES,
  type StateStore,
} from '@healops/core';
import { afterAll, beforeAll } from 'vitest';
import { instanceId, stateDir, wallClock } from '../../../../packages/aws/test/support/repair-fixture.js';
import { type SsmEmulator, startSsmEmulator } from '../../../../test/support/ssm-emulator/index.js';
import type { LambdaContextLike } from '../../../notify/src/lambda-context.js';
import { CapturingLogger } from '../../../notify/test/support/capturing-logger.js';
import { useNotifyMoto } from '../../../notify/test/support/notify-moto.js';
import { type CheckHandler, createCheckHandler } from '../../src/check-handler.js';
import { DOCUMENT, PACKAGE } from './check-fixture.js';
import { createHealOpsBus, createIdempotencyTable, DynamoDBClient, type HealOpsBus } from './healops-bus.js';

// The check function with its peers real: state and idempotency records in DynamoDB (moto), the package's jobs run
// by the SSM emulator from the package's generated document, and the HealOps bus on moto with the rule that routes
// `HealOps Check Continue` to a queue (read back as the check function would be invoked).

const REGION = 'us-east-1';

export interface Host {
  readonly id: string;
  readonly dir: string;
}

/** A Lambda context whose invocation ends at `end` (epoch ms). */
export interface CheckContext extends LambdaContextLike {
  readonly end: number;
}

export interface CheckFunction {
  readonly handler: CheckHandler;
  readonly logger: CapturingLogger;
  /** The idempotency table it keeps its records in. */
  readonly idempotencyTable: string;
}

export interface IdempotencyItem {
  readonly id: string;
  readonly status: string;
  readonly inProgressExpiration: number | undefined;
}

export interface CheckFunctionOptions {
  readonly marginMs?: number;
  /** The store the function is given, made from the world's (to inject faults). */
  readonly store?: (store: DynamoStore) => StateStore & AuditLog;
}

export interface CheckWorld {
  readonly emulator: SsmEmulator;
  readonly store: DynamoStore;
  readonly bus: HealOpsBus;
  newHost(options?: { readonly latencyMs?: number }): Promise<Host>;
  /** The check function on a bundle whose package targets `hosts`, with a fresh idempotency table. */
  checkFunction(hosts: readonly Host[], options?: CheckFunctionOptions): Promise<CheckFunction>;
  /** Every record of an idempotency table. */
  idempotencyItems(tableName: string): Promise<IdempotencyItem[]>;
}

export function checkContext(budgetMs = 120_000): CheckContext {
  const end = Date.now() + budgetMs;
  return {
    functionName: 'healops-check',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:healops-check',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    end,
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
}

export function useCheckWorld(
  bundlePackage: (targets: BundlePackage['targets']) => BundlePackage,
): CheckWorld {
  const moto = useNotifyMoto();
  let emulator: SsmEmulator | undefined;
  let store: DynamoStore | undefined;
  let bus: HealOpsBus | undefined;
  let dynamo: DynamoDBClient | undefined;
  let hostNumber = 0;
  const dirs: string[] = [];

  beforeAll(async () => {
    emulator = await startSsmEmulator({ timeScale: 0.01 });
    emulator.addDocument(DOCUMENT.name, DOCUMENT.content);
    const config = moto.clientConfig();
    store = await moto.store();
    dynamo = new DynamoDBClient(config);
    bus = await createHealOpsBus(config, { check: [HEALOPS_DETAIL_TYPES.checkContinue] });
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    bus?.close();
    dynamo?.destroy();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const need = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} did not start`);
    return value;
  };

  function ssmClient() {
    const client = createSsmClient({ endpoint: need(emulator, 'the SSM emulator').endpoint, region: REGION });
    client.config.credentials = async () => moto.clientConfig().credentials;
    return client;
  }

  return {
    get emulator() {
      return need(emulator, 'the SSM emulator');
    },
    get store() {
      return need(store, 'the store');
    },
    get bus() {
      return need(bus, 'the bus');
    },
    async newHost(options = {}) {
      hostNumber += 1;
      const host: Host = { id: instanceId(0x300 + hostNumber), dir: await stateDir() };
      dirs.push(host.dir);
      need(emulator, 'the SSM emulator').addInstance({
        instanceId: host.id,
        platform: 'linux',
        tags: { Role: 'web' },
        env: { SVC_STATE_DIR: host.dir },
        ...options,
      });
      return host;
    },
    async checkFunction(hosts, options = {}) {
      const config = moto.clientConfig();
      const client = need(dynamo, 'DynamoDB');
      const idempotencyTable = await createIdempotencyTable(client);
      const logger = new CapturingLogger({ serviceName: 'healops-check' });
      const handler = createCheckHandler({
        bundle: {
          version: BUNDLE_VERSION,
          packages: [bundlePackage({ type: 'instanceIds', instanceIds: hosts.map((h) => h.id) })],
          tickets: [],
        },
        store: (options.store ?? ((s) => s))(need(store, 'the store')),
        fleet: new SsmFleetExecutor(new SsmRunner(ssmClient()), { deliveryTimeoutSeconds: 30 }),
        executor: new SsmExecutor({
          client: ssmClient(),
          clock: wallClock,
          documents: (name) => (name === PACKAGE ? { documentName: DOCUMENT.name } : undefined),
        }),
        publisher: new EventBridgePublisher({
          eventBusName: need(bus, 'the bus').name,
          region: REGION,
          endpoint: config.endpoint,
          clientConfig: { credentials: config.credentials },
        }),
        clock: wallClock,
        logger,
        pollIntervalMs: 50,
        marginMs: options.marginMs ?? 1_000,
        idempotency: { tableName: idempotencyTable, client },
      });
      return { handler, logger, idempotencyTable };
    },
    async idempotencyItems(tableName) {
      const page = await need(dynamo, 'DynamoDB').send(new ScanCommand({ TableName: tableName }));
      return (page.Items ?? []).map((item) => ({
        id: item.id?.S ?? '',
        status: item.status?.S ?? '',
        inProgressExpiration:
          item.in_progress_expiration?.N === undefined ? undefined : Number(item.in_progress_expiration.N),
      }));
    },
  };
}
