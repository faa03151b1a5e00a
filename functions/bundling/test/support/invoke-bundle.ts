import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

// Imports a bundle in a fresh node process with the given environment (nothing inherited but PATH) and calls its
// `handler` once with `event` and a Lambda-like context; answers what the handler returned or threw.

const RUNNER = `
import { writeSync } from 'node:fs';
const mod = await import(process.argv[1]);
const context = {
  functionName: 'healops-test', functionVersion: '$LATEST', memoryLimitInMB: '256', awsRequestId: 'test-request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:healops-test',
  getRemainingTimeInMillis: () => 60000,
};
let answer;
try {
  answer = { returned: await mod.handler(JSON.parse(process.argv[2]), context) };
} catch (error) {
  answer = { threw: error instanceof Error ? error.name + ': ' + error.message : String(error) };
}
writeSync(3, JSON.stringify(answer));
process.exit(0);
`;

export type InvokeAnswer = { readonly returned: unknown } | { readonly threw: string };

export function invokeBundle(
  file: string,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<InvokeAnswer> {
  const args = ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href, JSON.stringify(event)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const answers = child.stdio[3];
    if (!(answers instanceof Readable)) {
      child.kill();
      reject(new Error('no pipe on file descriptor 3'));
      return;
    }
    let out = '';
    let err = '';
    answers.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || out === '')
        reject(new Error(`${file} did not run (exit ${code}): ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as InvokeAnswer);
    });
  });
}
