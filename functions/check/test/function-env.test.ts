import { Logger } from '@aws-lambda-powertools/logger';
import { POWERTOOLS_EMF_DEFAULT_DIMENSIONS } from '@healops/aws';
import { describe, expect, it } from 'vitest';
import { emfSinkFromEnv } from '../../shared/src/emf-sink.js';
import { FunctionEnvError } from '../../shared/src/errors.js';
import { SSM_OUTPUT_PREFIX, ssmOutputFromEnv } from '../../shared/src/ssm-output.js';

// The settings every function reads alike from its environment (functions/shared).

const logger = new Logger({ serviceName: 'healops-env-test', logLevel: 'SILENT' });

describe('emfSinkFromEnv', () => {
  it('defaults to the lean dimension sets and takes the namespace from Powertools', () => {
    expect(POWERTOOLS_EMF_DEFAULT_DIMENSIONS).toBe('lean');
    const sink = emfSinkFromEnv({ POWERTOOLS_METRICS_NAMESPACE: 'Ops/HealOps' }, 'svc', logger);
    expect(sink.namespace).toBe('Ops/HealOps');
  });

  it.each([
    ['full', undefined],
    ['{"status":"full","default":[["package","check","environment"]]}', undefined],
    ['cheap', /HEALOPS_EMF_DIMENSIONS must be full, lean or a JSON object/],
    ['{"stat":"full"}', /^HEALOPS_EMF_DIMENSIONS/],
    ['{"status":[["package",":x"]]}', /^HEALOPS_EMF_DIMENSIONS\.status\.0\.1: /],
  ])('HEALOPS_EMF_DIMENSIONS=%s', (value, error) => {
    const make = () => emfSinkFromEnv({ HEALOPS_EMF_DIMENSIONS: value }, 'svc', logger);
    if (error === undefined) expect(make().name).toBe('emf');
    else {
      expect(make).toThrow(FunctionEnvError);
      expect(make).toThrow(error);
    }
  });
});

describe('ssmOutputFromEnv', () => {
  it('reads long command output from HEALOPS_OUTPUT_BUCKET under the ssm-output prefix', () => {
    const options = ssmOutputFromEnv({ HEALOPS_OUTPUT_BUCKET: 'healops-output' }, 'us-east-1', logger);
    expect(options.output).toMatchObject({ bucket: 'healops-output', keyPrefix: SSM_OUTPUT_PREFIX });
    expect(SSM_OUTPUT_PREFIX).toBe('ssm-output');
  });

  it('builds the S3 client on the first read only, once, in the region given', async () => {
    const options = ssmOutputFromEnv({ HEALOPS_OUTPUT_BUCKET: 'b' }, 'eu-west-1', logger);
    const s3 = options.output?.s3;
    if (typeof s3 !== 'function') throw new Error('the S3 client should be built lazily');
    const [first, second] = await Promise.all([s3(), s3()]);
    expect(first).toBe(second);
    expect(await first.config.region()).toBe('eu-west-1');
  });

  it('has no bucket when the variable is unset or empty', () => {
    expect(ssmOutputFromEnv({}, 'us-east-1', logger).output).toBeUndefined();
    expect(ssmOutputFromEnv({ HEALOPS_OUTPUT_BUCKET: '' }, undefined, logger).output).toBeUndefined();
  });
});
