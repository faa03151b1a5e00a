import type { SSMClient } from '@aws-sdk/client-ssm';
import { createSsmClient } from '../../packages/aws/src/index.js';
import { type SsmEmulator, startSsmEmulator } from '../../test/support/ssm-emulator/index.js';
import { benchDocument, instanceId } from './fleet-fixture.js';

/* A fresh SSM emulator per run (so its call counters are that run's), holding the bench document and the fleet. */

export const TAG = { key: 'Role', value: 'bench' } as const;
const CREDENTIALS = { accessKeyId: 'AKIDSSMFLEETBENCH', secretAccessKey: 'ssm-fleet-bench-not-a-secret' };

export interface FleetSetup {
  readonly instances: number;
  /** Real ms per SSM second. */
  readonly timeScale: number;
  readonly processConcurrency: number;
}

export interface EmulatedFleet {
  readonly emulator: SsmEmulator;
  readonly instanceIds: readonly string[];
  readonly documentName: string;
  /** A real @aws-sdk/client-ssm client (adaptive retry) aimed at the emulator. */
  client(): SSMClient;
  /** Destroys the clients handed out and closes the emulator. */
  close(): Promise<void>;
}

export async function startFleet(setup: FleetSetup): Promise<EmulatedFleet> {
  const document = benchDocument();
  const emulator = await startSsmEmulator({
    timeScale: setup.timeScale,
    processConcurrency: setup.processConcurrency,
  });
  emulator.addDocument(document.name, document.content);
  const instanceIds = Array.from({ length: setup.instances }, (_, i) => instanceId(i + 1));
  for (const id of instanceIds) {
    emulator.addInstance({ instanceId: id, platform: 'linux', tags: { [TAG.key]: TAG.value } });
  }
  const clients: SSMClient[] = [];
  return {
    emulator,
    instanceIds,
    documentName: document.name,
    client: () => {
      const client = createSsmClient({ endpoint: emulator.endpoint, region: emulator.region });
      client.config.credentials = async () => CREDENTIALS;
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      await emulator.close();
    },
  };
}
