import { BUNDLE_VERSION, type DeployedSinkConfig, type DeploymentBundle } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { deployedSinkConfigs } from '../../shared/src/function-sinks.js';

// Which remote sinks a function builds: the bundle's, plus the table the stack's timestream option created (named
// by HEALOPS_TIMESTREAM_DATABASE / _TABLE) unless the bundle already names a timestream sink.

function bundle(metrics?: readonly DeployedSinkConfig[]): DeploymentBundle {
  return { version: BUNDLE_VERSION, packages: [], tickets: [], ...(metrics ? { metrics } : {}) };
}

const CREATED = { HEALOPS_TIMESTREAM_DATABASE: 'HealOpsDb-1', HEALOPS_TIMESTREAM_TABLE: 'HealOpsTable-1' };
const INFLUX: DeployedSinkConfig = { type: 'influx', url: 'https://influx.example.com/write' };

describe('deployedSinkConfigs', () => {
  it('is empty without metrics in the bundle and without a created table', () => {
    expect(deployedSinkConfigs(bundle(), {})).toEqual([]);
  });

  it('adds the created table after the bundle sinks', () => {
    expect(deployedSinkConfigs(bundle([INFLUX]), CREATED)).toEqual([
      INFLUX,
      { type: 'timestream', database: 'HealOpsDb-1', table: 'HealOpsTable-1' },
    ]);
  });

  it('keeps the config timestream sink and ignores the created table', () => {
    const own: DeployedSinkConfig = { type: 'timestream', database: 'ops', table: 'healops' };
    expect(deployedSinkConfigs(bundle([own]), CREATED)).toEqual([own]);
  });

  it('names the created table sink apart when a config sink is already called timestream', () => {
    const named: DeployedSinkConfig = { ...INFLUX, name: 'timestream' };
    expect(deployedSinkConfigs(bundle([named]), CREATED)[1]).toEqual({
      type: 'timestream',
      database: 'HealOpsDb-1',
      table: 'HealOpsTable-1',
      name: 'healops-timestream',
    });
  });

  it('needs both variables', () => {
    expect(deployedSinkConfigs(bundle(), { HEALOPS_TIMESTREAM_DATABASE: 'HealOpsDb-1' })).toEqual([]);
  });
});
