import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions, type SdkBundling } from '../../functions/bundling/src/index.js';

/*
 * A bundle that says where its module evaluation goes: built with the Lambda options but not minified (esbuild
 * then heads every input's code with a `// path` comment), and rewritten so that each input's top-level code, and
 * each CommonJS (`__commonJS`) or lazily initialised ES module (`__esm`) wrapper, charges the time it runs to its
 * input (exclusive: time spent in a nested wrapper is the nested input's). Split bundles are rewritten file by file
 * and share one account. Importing it leaves `globalThis.__healopsEvaluation`: Map of input path -> ms. The
 * instrumented code is larger and runs a little slower than the real bundle; the figures are for shares.
 */

const HEADER = /^\/\/ (\S.*)$/;

const PRELUDE = `const __ho = (globalThis.__healopsTrace ??= { acc: new Map(), cur: '(bundle runtime)', last: 0, stack: [] });
globalThis.__healopsEvaluation = __ho.acc;
__ho.last = performance.now();
const __hoCharge = () => { const now = performance.now(); __ho.acc.set(__ho.cur, (__ho.acc.get(__ho.cur) ?? 0) + now - __ho.last); __ho.last = now; };
const __hoAt = (input) => { __hoCharge(); __ho.cur = input; };
const __hoWrap = (make) => (body, ...rest) => { const input = body ? Object.getOwnPropertyNames(body)[0] : '?'; const inner = make(body, ...rest); let ran = false;
  return function () { if (ran) return inner.apply(this, arguments); ran = true; __hoCharge(); __ho.stack.push(__ho.cur); __ho.cur = input;
    try { return inner.apply(this, arguments); } finally { __hoCharge(); __ho.cur = __ho.stack.pop(); } }; };`;

/** Rewrites one file of esbuild's unminified output: wrappers timed, a charge point before each input's code. */
export function instrumentBundleText(text: string): string {
  const hooks = [
    ...(text.includes('var __commonJS =') ? ['__commonJS = __hoWrap(__commonJS);'] : []),
    ...(text.includes('var __esm =') ? ['__esm = __hoWrap(__esm);'] : []),
  ];
  const out: string[] = [];
  let hooked = false;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header !== null && !(header[1] ?? '').startsWith('@__')) {
      if (!hooked) out.push(...hooks);
      hooked = true;
      out.push(`__hoAt(${JSON.stringify(header[1])});`);
    }
    out.push(line);
  }
  // A chunk of runtime helpers only (no input of its own): its importers run after it.
  if (!hooked) out.push(...hooks);
  return `${PRELUDE}\n${out.join('\n')}\n__hoCharge();\n`;
}

/** Builds the instrumented bundle of `entry` at `outfile` (and its chunks when split). */
export async function buildInstrumented(
  entry: string,
  outfile: string,
  sdk: SdkBundling,
  splitting: boolean,
): Promise<void> {
  const result = await build({ ...lambdaBuildOptions({ entry, outfile, sdk, splitting }), minify: false });
  for (const output of Object.keys(result.metafile.outputs)) {
    if (!/\.m?js$/.test(output)) continue;
    const file = resolve(output);
    await writeFile(file, instrumentBundleText(await readFile(file, 'utf8')));
  }
}
