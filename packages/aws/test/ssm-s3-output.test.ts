import { S3Client } from '@aws-sdk/client-s3';
import { SSM_LINUX_STEP, SSM_WINDOWS_STEP } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { capBytes, decodeCapped } from '../src/ssm/ssm-output-bytes.js';
import { keyFromOutputUrl, ssmOutputKey } from '../src/ssm/ssm-s3-output.js';

// Where SSM Agent puts a step's output in S3, and the object key in the URLs SSM answers (the reads themselves go
// to moto in test/integration/ssm-s3-output.test.ts).

const s3 = new S3Client({ region: 'us-east-1' });
const WHERE = { commandId: '4171bb3b-fe26-48ea-94fe-d1727b4d58e5', instanceId: 'i-02573cafcf0000001' };

describe('ssmOutputKey', () => {
  it('builds <prefix>/<command>/<instance>/<action without colons>/<step>/<stream>', () => {
    expect(
      ssmOutputKey({ bucket: 'b', keyPrefix: 'runs/', s3 }, { ...WHERE, stepName: SSM_LINUX_STEP }, 'stdout'),
    ).toBe(`runs/${WHERE.commandId}/${WHERE.instanceId}/awsrunShellScript/${SSM_LINUX_STEP}/stdout`);
    expect(ssmOutputKey({ bucket: 'b', s3 }, { ...WHERE, stepName: SSM_WINDOWS_STEP }, 'stderr')).toBe(
      `${WHERE.commandId}/${WHERE.instanceId}/awsrunPowerShellScript/${SSM_WINDOWS_STEP}/stderr`,
    );
  });
});

describe('keyFromOutputUrl', () => {
  const key = `my-output/${WHERE.commandId}/${WHERE.instanceId}/awsrunShellScript/healopsLinux/stdout`;

  it('reads the key of a path-style URL as SSM answers it', () => {
    expect(keyFromOutputUrl(`https://s3.us-east-2.amazonaws.com/amzn-bucket/${key}`, 'amzn-bucket')).toBe(
      key,
    );
    expect(keyFromOutputUrl(`https://s3.amazonaws.com/amzn-bucket/${key}`, 'amzn-bucket')).toBe(key);
  });

  it('reads the key of a virtual-hosted URL, and decodes escaped characters', () => {
    expect(keyFromOutputUrl(`https://amzn-bucket.s3.eu-west-1.amazonaws.com/${key}`, 'amzn-bucket')).toBe(
      key,
    );
    expect(keyFromOutputUrl('https://s3.us-east-1.amazonaws.com/b1/a%20b/stdout', 'b1')).toBe('a b/stdout');
  });

  it('refuses an empty or unreadable URL, one of another bucket, and one without a key', () => {
    expect(keyFromOutputUrl('', 'amzn-bucket')).toBeUndefined();
    expect(keyFromOutputUrl(undefined, 'amzn-bucket')).toBeUndefined();
    expect(keyFromOutputUrl('not a url', 'amzn-bucket')).toBeUndefined();
    expect(
      keyFromOutputUrl(`https://s3.us-east-2.amazonaws.com/other/${key}`, 'amzn-bucket'),
    ).toBeUndefined();
    expect(
      keyFromOutputUrl('https://s3.us-east-2.amazonaws.com/amzn-bucket/', 'amzn-bucket'),
    ).toBeUndefined();
  });
});

describe('output bytes', () => {
  it('cuts UTF-8 at the bound without splitting a character', () => {
    const text = `${'a'.repeat(9)}é and more`; // é is 2 bytes: bytes 9 and 10
    expect(capBytes(text, 10)).toEqual({ text: 'a'.repeat(9), cut: true });
    expect(capBytes(text, 11)).toEqual({ text: `${'a'.repeat(9)}é`, cut: true });
    expect(capBytes('short', 10)).toEqual({ text: 'short', cut: false });
    expect(decodeCapped(Buffer.from(text, 'utf8'), 10)).toEqual({ text: 'a'.repeat(9), cut: true });
    expect(decodeCapped(Buffer.from('whole', 'utf8'), 5)).toEqual({ text: 'whole', cut: false });
  });
});
