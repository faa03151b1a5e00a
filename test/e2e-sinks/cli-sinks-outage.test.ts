import { describe, expect, it } from 'vitest';
import { expectedSeries, normalize, readUntil } from '../support/tsdb-series.js';
import { freePort } from '../support/tsdb-servers.js';
import {
  CHECKS,
  checkPoints,
  localPoints,
  loopbackUrl,
  runOnce,
  sinkBox,
  sinkHealth,
  timesOf,
  waitForRetry,
  warnings,
  writeConfig,
} from './support/sink-kit.js';
import {
  influxLabels,
  openTsdbLabels,
  samplesOf,
  startVictoriaMetricsAt,
  type VictoriaAt,
} from './support/stores.js';

// A store that is down for a whole run: the run is not held up (exit 0, checks ok), warns on stderr and keeps the
// points in the SQLite outbox (healops.sink.pending > 0); once VictoriaMetrics is listening on that port, the next
// run (after BufferedSink's first retry delay) delivers the points of BOTH runs, and pending is back to 0.

describe('a metrics store that is down for a whole run', () => {
  it('loses nothing: the next run after it is back delivers both runs (influx and opentsdb)', async ({
    onTestFinished,
  }) => {
    const box = sinkBox(onTestFinished);
    const [httpPort, opentsdbPort] = [await freePort(), await freePort()];
    writeConfig(
      box,
      [
        '  - type: sqlite',
        '  - type: influx',
        `    url: ${loopbackUrl(httpPort, '/write')}`,
        '  - type: opentsdb',
        `    url: ${loopbackUrl(opentsdbPort)}`,
        '',
      ].join('\n'),
    );

    // Run 1: nobody listens on either port.
    const first = await runOnce(box);
    expect(first.result.code, first.result.stderr).toBe(0);
    expect(first.report.results.map((r) => [r.check, r.outcome])).toEqual(CHECKS.map((c) => [c, 'ok']));
    const firstWarnings = warnings(first.result);
    for (const [sink, port] of [
      ['influx', httpPort],
      ['opentsdb', opentsdbPort],
    ] as const) {
      const warning = firstWarnings.find((w) => w.includes(`metrics sink ${sink}: delivery failed`));
      expect(warning, first.result.stderr).toBeDefined();
      expect(warning).toContain(`:${port}`);
      expect(warning).toContain('ECONNREFUSED');
    }
    const afterFirst = await localPoints(box);
    // Pending is measured after the failed delivery of the check results, before the health points are queued.
    const firstChecks = checkPoints(afterFirst);
    expect(firstChecks.length).toBeGreaterThan(0);
    expect(sinkHealth(afterFirst, 'pending', 'influx')).toBe(firstChecks.length);
    expect(sinkHealth(afterFirst, 'pending', 'opentsdb')).toBe(firstChecks.length);
    expect(sinkHealth(afterFirst, 'dropped', 'influx')).toBe(0);

    // The store comes back on the very ports the config names.
    const vm: VictoriaAt = await startVictoriaMetricsAt(httpPort, opentsdbPort);
    onTestFinished(() => vm.stop());
    await waitForRetry(first.report.finishedAt);

    // Run 2: delivers what run 1 kept, then its own points.
    const second = await runOnce(box);
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(warnings(second.result)).toEqual([]);
    const points = await localPoints(box);
    expect(sinkHealth(points, 'pending', 'influx')).toBe(0);
    expect(sinkHealth(points, 'pending', 'opentsdb')).toBe(0);
    expect(sinkHealth(points, 'dropped', 'influx')).toBe(0);
    expect(sinkHealth(points, 'dropped', 'opentsdb')).toBe(0);

    // Status points by timestamp: one per check and run, over both protocols; heartbeats of both runs.
    const statusTimes = timesOf(points, 'healops.check.status');
    expect(statusTimes.length).toBeGreaterThanOrEqual(2);
    expect(timesOf(points, 'healops.heartbeat')).toHaveLength(2);
    const stored = await readUntil(() => vm.exportAll(), points.length * 2);
    for (const name of ['healops.check.status_value', 'healops.check.status']) {
      const samples = samplesOf(stored, name);
      expect(samples, name).toHaveLength(CHECKS.length * 2);
      expect([...new Set(samples.map(([t]) => t))], name).toEqual(statusTimes);
    }
    expect(samplesOf(stored, 'healops.heartbeat_value').map(([t]) => t)).toEqual(
      timesOf(points, 'healops.heartbeat'),
    );
    // And everything else, exactly as SQLite has it (run 1's pending > 0 included).
    expect(stored).toEqual(
      normalize([...expectedSeries(points, influxLabels), ...expectedSeries(points, openTsdbLabels)]),
    );
  }, 90_000);
});
