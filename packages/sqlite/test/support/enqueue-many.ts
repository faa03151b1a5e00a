// Run as a child process by outbox.test.ts: opens the store in argv[2] and queues argv[3] batches of argv[4]
// points for sink 'x' with maxPoints argv[5], then prints the total dropped.

import { openSqliteStore } from '../../src/index.js';
import { point } from '../temp-home.js';

const [home = '', batches = '0', size = '0', maxPoints = '0'] = process.argv.slice(2);
const store = openSqliteStore(home);
const outbox = store.outbox();
let dropped = 0;
for (let b = 0; b < Number(batches); b++) {
  const points = Array.from({ length: Number(size) }, (_, i) =>
    point({ value: process.pid * 1e6 + b * 1e3 + i }),
  );
  dropped += (await outbox.enqueue('x', points, Number(maxPoints))).dropped;
}
store.close();
process.stdout.write(String(dropped));
