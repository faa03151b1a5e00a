import { readFile } from 'node:fs/promises';
import type { Loader, Plugin } from 'esbuild';

/*
 * `import { z } from 'zod'` binds zod's namespace through a re-export (`import * as z from "./v4/classic/external.js";
 * export { z }`), which esbuild cannot tree-shake: the whole namespace object is materialised, with everything in it
 * (JSON Schema conversion, the compiler, every locale). `import * as z from 'zod'` is the same namespace (zod's root
 * module re-exports all of external.js), and esbuild keeps only the members that are used. This plugin rewrites the
 * named form to the namespace form in every bundled file that uses it (ours and dependencies such as Powertools
 * Parser); other names imported alongside `z` keep their own named import.
 */

const NAMED_ZOD_IMPORT = /import\s*\{([^}]*)\}\s*from\s*(['"])zod\2\s*;?/g;
const CANDIDATE = /\.(?:[cm]?js|[cm]?ts)$/;
const LOADERS: Readonly<Record<string, Loader>> = {
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
};

/** Source text with each `import { ..., z, ... } from 'zod'` turned into `import * as z from 'zod'` (+ the rest). */
export function zodNamespaceImports(source: string): string {
  return source.replace(NAMED_ZOD_IMPORT, (statement, list: string, quote: string) => {
    const names = list
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (!names.includes('z')) return statement;
    const rest = names.filter((name) => name !== 'z');
    const namespace = `import * as z from ${quote}zod${quote};`;
    return rest.length === 0
      ? namespace
      : `${namespace} import { ${rest.join(', ')} } from ${quote}zod${quote};`;
  });
}

/** The esbuild plugin applying zodNamespaceImports to every .js/.ts file that imports `z` by name from zod. */
export function zodNamespace(): Plugin {
  return {
    name: 'healops-zod-namespace',
    setup(build) {
      build.onLoad({ filter: CANDIDATE }, async (args) => {
        if (args.path.includes('/node_modules/zod/')) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('zod')) return undefined;
        const rewritten = zodNamespaceImports(source);
        if (rewritten === source) return undefined;
        const extension = args.path.slice(args.path.lastIndexOf('.') + 1);
        return { contents: rewritten, loader: LOADERS[extension] ?? 'js' };
      });
    },
  };
}
