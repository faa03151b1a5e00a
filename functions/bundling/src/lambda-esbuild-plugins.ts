import type { Plugin } from 'esbuild';
import { zodEnglishOnly } from './zod-english-only.js';
import { zodNamespace } from './zod-namespace-imports.js';

/** The esbuild plugins every HealOps Lambda bundle is built with (the bench and the CDK stack use the same). */
export function lambdaEsbuildPlugins(): Plugin[] {
  return [zodNamespace(), zodEnglishOnly()];
}
