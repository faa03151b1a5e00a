import { describe, expect, it } from 'vitest';
import {
  type CostInputs,
  checkInvocationsPerRun,
  checkRunMs,
  hybridNodeCost,
  monthlyCost,
  tieredCost,
  total,
} from '../bench/cost/cost-model.js';
import { dynamoItemBytes, requestUnits } from '../bench/cost/dynamo-item-size.js';
import { countSeries } from '../bench/cost/emf-series.js';
import { PRICES } from '../bench/cost/prices.js';
import { inputsFor, ssmCallsFor, VARIANTS } from '../bench/cost-estimate.js';

// The arithmetic of the cost model (bench/cost-estimate.ts) on fixed inputs: prices from bench/cost/prices.ts.

const fixed: CostInputs = {
  hosts: 2,
  checksPerHost: 5,
  cyclesPerMonth: 1000,
  schedules: 1,
  ssmCallsPerCycle: 10,
  check: {
    memoryMb: 1024,
    cpuMsPerResult: 1,
    cpuSlowdown: 2,
    ssmCallMs: 100,
    hostWaitMs: 1000,
    dynamoCallsPerResult: 2,
    dynamoCallMs: 8,
    concurrency: 16,
    usableMsPerInvocation: 10_000,
  },
  perResult: { readUnits: 1, writeUnits: 1, emfBytes: 1024, targetMetricSeries: 4 },
  loggerBytesPerInvocation: 0,
  platformLogBytesPerInvocation: 0,
  fixedMetricSeries: 2,
  incidents: {
    perHostMonth: 0,
    escalatedShare: 0,
    eventsPerIncident: 3,
    eventBytes: 1000,
    repairMs: 0,
    repairMemoryMb: 512,
    notifyPerEscalation: 2,
    notifyMs: 0,
    notifyMemoryMb: 256,
    readUnits: 0,
    writeUnits: 0,
    logBytesPerInvocation: 0,
    sqsRequestsPerMessage: 3,
    graphMetrics: 0,
    imageBytes: 0,
  },
  drain: { runsPerMonth: 0, ms: 0, readUnits: 0 },
  sqsIdleRequestsPerMonth: 0,
  logRetentionDays: 0,
  logStoredRatio: 0,
  alarms: 10,
  dashboards: 1,
};

function line(items: ReturnType<typeof monthlyCost>, service: string): number {
  const item = items.find((i) => i.service === service);
  if (item === undefined) throw new Error(`no line item ${service}`);
  return item.usd;
}

describe('tieredCost', () => {
  it.each([
    [0, 0],
    [10, 3],
    [10_000, 3_000],
    [52_537, 3_000 + 42_537 * 0.1],
    [250_000, 3_000 + 24_000],
    [1_000_010, 3_000 + 24_000 + 37_500 + 10 * 0.02],
  ])('charges %i metrics %f dollars through the CloudWatch tiers', (units, usd) => {
    expect(tieredCost(units, PRICES.metrics.tiers)).toBeCloseTo(usd, 6);
  });
});

describe('monthlyCost', () => {
  it('prices one read and one write unit per result at the on-demand rates', () => {
    // 2 hosts x 5 checks x 1,000 cycles = 10,000 results: 10,000 RRU and 10,000 WRU.
    const usd = line(monthlyCost(fixed), 'DynamoDB on-demand');
    expect(usd).toBeCloseTo(0.01 * 0.125 + 0.01 * 0.625, 9);
  });

  it('counts per-target series per (check, host) plus the fixed ones', () => {
    // 2 x 5 x 4 + 2 = 42 metrics at $0.30.
    expect(line(monthlyCost(fixed), 'CloudWatch metrics (EMF)')).toBeCloseTo(42 * 0.3, 9);
  });

  it('bills EMF bytes as log ingestion per GiB', () => {
    // 10,000 results x 1 KiB = 10,000 KiB.
    expect(line(monthlyCost(fixed), 'CloudWatch Logs')).toBeCloseTo((10_000 / 1024 ** 2) * 0.5, 9);
  });

  it('charges nothing for SSM Run Command on EC2 and the fixed alarm and dashboard prices', () => {
    const items = monthlyCost(fixed);
    expect(line(items, 'SSM Run Command (EC2)')).toBe(0);
    expect(line(items, 'CloudWatch alarms + dashboard')).toBeCloseTo(10 * 0.1 + 3, 9);
    expect(line(items, 'EventBridge Scheduler')).toBeCloseTo(1000 / 1_000_000, 12);
  });

  it('derives the check run time from SSM calls, host wait and per-result work', () => {
    // 10 calls x 100 ms + 1,000 ms + 10 results x (1 ms x 2 + 2 x 8 ms / 16) = 2,030 ms.
    expect(checkRunMs(fixed)).toBeCloseTo(2_030, 9);
    const gbS = 1000 * 2.03 * 1;
    expect(line(monthlyCost(fixed), 'Lambda duration (arm64)')).toBeCloseTo(gbS * 0.0000133334, 9);
    expect(checkInvocationsPerRun(fixed)).toBe(1);
  });

  it('continues a run longer than one invocation and pays one event per continuation', () => {
    const slow: CostInputs = { ...fixed, ssmCallsPerCycle: 250 };
    // 250 x 100 + 1,000 + 30 = 26,030 ms over 10,000 usable ms per invocation: 3 invocations, 2 continuations.
    expect(checkInvocationsPerRun(slow)).toBe(3);
    const items = monthlyCost(slow);
    expect(line(items, 'Lambda requests')).toBeCloseTo((3000 / 1_000_000) * 0.2, 12);
    expect(line(items, 'EventBridge custom events')).toBeCloseTo((2000 / 1_000_000) * 1.0, 12);
  });

  it('adds incident traffic: events, repair and notify invocations and their queue requests', () => {
    const incidents: CostInputs = {
      ...fixed,
      incidents: { ...fixed.incidents, perHostMonth: 50, escalatedShare: 0.5 },
    };
    const items = monthlyCost(incidents);
    // 100 incidents x 3 events of one 64 KB chunk; 50 escalations x 2 notify messages x 3 requests.
    expect(line(items, 'EventBridge custom events')).toBeCloseTo((300 / 1_000_000) * 1.0, 12);
    expect(line(items, 'SQS')).toBeCloseTo((300 / 1_000_000) * 0.4, 12);
    expect(line(items, 'Lambda requests')).toBeCloseTo(((1000 + 100 + 100) / 1_000_000) * 0.2, 12);
  });

  it('adds the notify drain schedule: its invocations, read units and scheduler runs', () => {
    const drained: CostInputs = { ...fixed, drain: { runsPerMonth: 500, ms: 1000, readUnits: 2 } };
    const items = monthlyCost(drained);
    expect(line(items, 'EventBridge Scheduler')).toBeCloseTo(1500 / 1_000_000, 12);
    expect(line(items, 'Lambda requests')).toBeCloseTo((1500 / 1_000_000) * 0.2, 12);
    expect(line(items, 'DynamoDB on-demand')).toBeCloseTo(0.011 * 0.125 + 0.01 * 0.625, 9);
    // 1,000 runs x 2.03 s x 1 GB + 500 x 1 s x 0.25 GB
    expect(line(items, 'Lambda duration (arm64)')).toBeCloseTo((2030 + 125) * 0.0000133334, 9);
  });

  it('totals its line items', () => {
    const items = monthlyCost(fixed);
    expect(total(items)).toBeCloseTo(
      items.reduce((sum, i) => sum + i.usd, 0),
      12,
    );
  });
});

describe('the estimate inputs', () => {
  it('scales SSM calls from the nearest measured fleet', () => {
    expect(ssmCallsFor(100)).toBe(64);
    expect(ssmCallsFor(1000)).toBe(1145);
    expect(ssmCallsFor(300)).toBe(192);
    expect(ssmCallsFor(2000)).toBe(2290);
    expect(ssmCallsFor(1000, 5)).toBe(573);
  });

  it('moves per-target series into per-check series in the lower-cost variants', () => {
    const inputs = inputsFor(1000);
    const byName = (name: string) => {
      const variant = VARIANTS.find((v) => v.name === name);
      if (variant === undefined) throw new Error(`no variant ${name}`);
      return variant.apply(inputs);
    };
    expect(byName('no target dimension').perResult.targetMetricSeries).toBe(0);
    // lean (the default) keeps one series per (check, host): status. Without `target` it is one per check (10).
    expect(inputs.perResult.targetMetricSeries).toBe(1);
    expect(byName('no target dimension').fixedMetricSeries).toBe(inputs.fixedMetricSeries + 10);
    expect(byName('status only per target').perResult.targetMetricSeries).toBe(1);
    expect(byName('rate(15 minutes)').cyclesPerMonth).toBe(2920);
  });

  it('charges hybrid nodes only past the 1,000 of the standard tier', () => {
    expect(hybridNodeCost(1000)).toBe(0);
    expect(hybridNodeCost(1001)).toBeCloseTo(1001 * 730 * 0.00695, 9);
  });
});

describe('dynamoItemBytes', () => {
  it('sizes names, strings, numbers, booleans, null, lists and maps by DynamoDB rules', () => {
    // pk 2+2, n 1+3 (3 digits), b 1+1, l 1+(3+3+3), m 1+(3+1+1+1), z 1+1
    expect(dynamoItemBytes({ pk: 'ab', n: 123, b: true, l: [1, 2], m: { x: 'y' }, z: null })).toBe(29);
  });

  it.each([
    [0, 1],
    [1024, 1],
    [1025, 2],
  ])('takes %i bytes as %i write units', (bytes, units) => {
    expect(requestUnits(bytes, 1024)).toBe(units);
  });
});

describe('countSeries', () => {
  it('counts one metric per name and dimension values, split by the target dimension', () => {
    const doc = (target: string) =>
      JSON.stringify({
        _aws: {
          Timestamp: 0,
          CloudWatchMetrics: [
            {
              Namespace: 'HealOps',
              Dimensions: [
                ['package', 'check', 'target'],
                ['package', 'environment'],
              ],
              Metrics: [{ Name: 'a' }, { Name: 'b' }],
            },
          ],
        },
        package: 'p',
        check: 'c',
        target,
        environment: 'prod',
        a: 1,
        b: 2,
      });
    expect(countSeries([doc('i-1'), doc('i-2'), doc('i-1')])).toEqual({ perTarget: 4, aggregate: 2 });
  });
});
