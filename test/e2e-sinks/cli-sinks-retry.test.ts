import { describe, it } from 'vitest';
import { type HttpStub, type StubRequest, startHttpStub } from './support/http-stub.js';
import {
  CHECKS,
  checkPoints,
  localPoints,
  loopbackUrl,
  runOnce,
  sinkBox,
  sinkHealth,
  waitForRetry,
  warnings,
  writeConfig,
} from './support/sink-kit.js';

// A store that answers a run's delivery with 500 or 429 and then recovers (a node:http stub on loopback): the run
// warns and keeps the points; the next run (after the first retry delay) sends the same points again, the store
// accepts them, and nothing is pending any more.

type Kind = 'influx' | 'opentsdb';

/** A point as it went over the wire: its series name, check tag, ms timestamp, and its exact encoding. */
interface WirePoint {
  readonly name: string;
  readonly check: string | undefined;
  readonly time: number;
  readonly text: string;
}

function wirePoints(kind: Kind, request: StubRequest): WirePoint[] {
  if (kind === 'influx') {
    // `name,tag=v,... value=<v> <ms>`: HealOps' names and tags here have no escaped spaces or commas.
    return request.body
      .split('\n')
      .filter((line) => line !== '')
      .map((text) => {
        const [series = '', , time = ''] = text.split(' ');
        const [name = '', ...tags] = series.split(',');
        const check = tags.find((t) => t.startsWith('check='))?.slice('check='.length);
        return { name, check, time: Number(time), text };
      });
  }
  const body = JSON.parse(request.body) as Array<{
    metric: string;
    timestamp: number;
    tags: Record<string, string>;
  }>;
  return body.map((d) => ({
    name: d.metric,
    check: d.tags.check,
    time: d.timestamp,
    text: JSON.stringify(d),
  }));
}

const FAILURES = [
  {
    kind: 'influx',
    status: 500,
    answer: { status: 500, body: '{"error":"engine: cache maximum memory size exceeded"}' },
    says: ['HTTP 500', 'cache maximum memory size exceeded'],
  },
  {
    kind: 'influx',
    status: 429,
    answer: { status: 429, headers: { 'retry-after': '1' }, body: '{"message":"too many requests"}' },
    says: ['HTTP 429', 'too many requests', 'retry after 1 s'],
  },
  {
    kind: 'opentsdb',
    status: 500,
    answer: { status: 500, body: '{"error":{"code":500,"message":"Unable to write to HBase"}}' },
    says: ['HTTP 500', 'Unable to write to HBase'],
  },
  {
    kind: 'opentsdb',
    status: 429,
    answer: { status: 429, body: '{"error":{"code":429,"message":"Too many pending requests"}}' },
    says: ['HTTP 429', 'Too many pending requests'],
  },
] as const;

describe.concurrent('a store answering 500 or 429 once, then 204', () => {
  it.for(FAILURES)(
    '$kind $status: the run warns and keeps the points, the next run resends them',
    { timeout: 90_000 },
    async ({ kind, status, answer, says }, { expect, onTestFinished }) => {
      const stub: HttpStub = await startHttpStub([answer, { status: 204 }]);
      onTestFinished(() => stub.close());
      const box = sinkBox(onTestFinished);
      const url = loopbackUrl(stub.port, kind === 'influx' ? '/api/v2/write?bucket=healops&org=ops' : '');
      writeConfig(box, `  - type: sqlite\n  - type: ${kind}\n    url: ${url}\n`);

      // Run 1: one request, refused; no second attempt within the run (a failing store is not hammered).
      const first = await runOnce(box);
      expect(first.result.code, first.result.stderr).toBe(0);
      expect(first.report.results.map((r) => [r.check, r.outcome])).toEqual(CHECKS.map((c) => [c, 'ok']));
      expect(stub.requests.map((r) => r.status)).toEqual([status]);
      const warning = warnings(first.result).find((w) => w.includes(`metrics sink ${kind}: delivery failed`));
      expect(warning, first.result.stderr).toBeDefined();
      for (const text of says) expect(warning).toContain(text);
      const afterFirst = await localPoints(box);
      expect(sinkHealth(afterFirst, 'pending', kind)).toBe(checkPoints(afterFirst).length);

      await waitForRetry(first.report.finishedAt);

      // Run 2: the store takes everything now.
      const second = await runOnce(box);
      expect(second.result.code, second.result.stderr).toBe(0);
      expect(warnings(second.result)).toEqual([]);
      const [refused, ...later] = stub.requests;
      expect(later.length).toBeGreaterThan(0);
      expect(later.map((r) => r.status)).toEqual(later.map(() => 204));
      const accepted = later.flatMap((r) => wirePoints(kind, r));
      // The refused points went again, byte for byte.
      const acceptedTexts = new Set(accepted.map((p) => p.text));
      const refusedPoints = wirePoints(kind, refused as StubRequest);
      expect(refusedPoints.length).toBeGreaterThan(0);
      for (const p of refusedPoints) expect(acceptedTexts.has(p.text), p.text).toBe(true);
      // Every status point of both runs arrived once, at its timestamp.
      const points = await localPoints(box);
      const statusOf = (list: ReadonlyArray<{ name: string; check: string | undefined; time: number }>) =>
        list
          .filter((p) => p.name === 'healops.check.status')
          .map((p) => `${p.check}@${p.time}`)
          .sort();
      const recorded = statusOf(
        points.map((p) => ({ name: p.name, check: p.dimensions.check, time: Date.parse(p.time) })),
      );
      expect(recorded).toHaveLength(CHECKS.length * 2);
      expect(statusOf(accepted)).toEqual(recorded);
      expect(sinkHealth(points, 'pending', kind)).toBe(0);
      expect(sinkHealth(points, 'dropped', kind)).toBe(0);
    },
  );
});
