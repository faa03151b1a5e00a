// Run as a child process by emf-sink.test.ts: writes the points given as JSON in argv[2] through an EmfSink
// without a path, i.e. to this process's real stdout.
import type { MetricPoint } from '@healops/core';
import { EmfSink } from '../../src/index.js';

const points: MetricPoint[] = JSON.parse(process.argv[2] ?? '[]');
await new EmfSink({ type: 'emf', namespace: 'HealOpsTest' }).write(points);
