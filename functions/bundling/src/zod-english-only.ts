import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/*
 * zod's `z` namespace re-exports `locales` (`export * as locales from "../locales/index.js"`), which pulls all of
 * its ~60 translations (~264 KB minified) into every bundle that imports `z`, although zod only ever uses English by
 * default (classic/schemas.js imports `../locales/en.js` directly). This plugin loads zod's locales index as a stub
 * that re-exports only `en`, so `z.locales.en` still works and every default error message reads the same;
 * `z.locales.<other>` is undefined in a bundle built with it (HealOps never calls `z.config(z.locales.xx())`).
 */

/** zod's locales index, ESM or CommonJS build (`zod/locales` re-exports this one). */
export const ZOD_LOCALES_INDEX = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/;

const ESM_STUB = 'export { default as en } from "./en.js";\n';
const CJS_STUB = [
  '"use strict";',
  'Object.defineProperty(exports, "__esModule", { value: true });',
  'exports.en = require("./en.cjs").default;',
  '',
].join('\n');

/** The esbuild plugin: zod's locales index -> a stub exporting only `en`. */
export function zodEnglishOnly(): Plugin {
  return {
    name: 'healops-zod-english-only',
    setup(build) {
      build.onLoad({ filter: ZOD_LOCALES_INDEX }, (args) => ({
        contents: args.path.endsWith('.cjs') ? CJS_STUB : ESM_STUB,
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}
