import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
} from 'yaml';
import type { Diagnostic } from '../errors.js';
import type { IssuePath } from './manifest-rules.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Where to point for a path: the value itself, the key naming it, or the mapping that holds (or lacks) it. */
export type PositionTarget = 'value' | 'key' | 'parent';

/** A parsed YAML file: its data (undefined when unusable), syntax diagnostics, and positions of its nodes. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  readonly diagnostics: readonly Diagnostic[];
  position(path: IssuePath, target: PositionTarget): Position;
}

interface Found {
  /** Nodes reached along the path, root first. */
  readonly nodes: readonly Node[];
  /** The mapping entry of the last step, when the last step went through a mapping key. */
  readonly pair?: Pair;
  /** Every step of the path was found (the last one may have an empty value: `key:`). */
  readonly complete: boolean;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function walk(doc: Document, path: IssuePath): Found {
  let node: unknown = doc.contents;
  if (!isNode(node)) {
    return { nodes: [], complete: false };
  }
  const nodes: Node[] = [node];
  for (const [index, step] of path.entries()) {
    if (isAlias(node)) {
      node = node.resolve(doc);
    }
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(step),
      );
      if (!pair) {
        return { nodes, complete: false };
      }
      if (!isNode(pair.value)) {
        return { nodes, pair, complete: index === path.length - 1 };
      }
      node = pair.value;
      nodes.push(pair.value);
      if (index === path.length - 1) {
        return { nodes, pair, complete: true };
      }
    } else if (isSeq(node) && typeof step === 'number' && isNode(node.items[step])) {
      node = node.items[step];
      nodes.push(node as Node);
    } else {
      return { nodes, complete: false };
    }
  }
  return { nodes, complete: true };
}

function start(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

function locate(doc: Document, path: IssuePath, target: PositionTarget): number | undefined {
  if (target === 'parent') {
    return start(walk(doc, path.slice(0, -1)).nodes.at(-1));
  }
  const found = walk(doc, path);
  if (found.complete && found.pair && (target === 'key' || found.nodes.length === path.length)) {
    // the key itself, or the key of an entry without a value (`timeout:`)
    return start(found.pair.key);
  }
  return start(found.nodes.at(-1));
}

function describeRoot(doc: Document): string | undefined {
  const root = doc.contents;
  if (isMap(root)) {
    return undefined;
  }
  if (root === null || (isScalar(root) && root.value === null)) {
    return 'empty';
  }
  return isSeq(root) ? 'a list' : 'a single value';
}

/** Offset of the first alias (`*name`) of the document: where an alias expansion that went too far starts. */
function firstAlias(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Parses one YAML file strictly: syntax errors, duplicate keys, unresolved tags, several documents, an empty file or
 * a top level that is not a mapping become diagnostics; `what` names the file in messages (e.g. "healops.yaml").
 */
export function readYaml(text: string, file: string, what: string): YamlSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined): Position =>
    offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
  const add = (offset: number | undefined, message: string): void => {
    diagnostics.push({ file, ...at(offset), path: '', message });
  };
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  const position = (path: IssuePath, target: PositionTarget): Position =>
    doc ? at(locate(doc, path, target)) : { line: 0, col: 0 };
  if (!doc) {
    add(undefined, `file is empty; expected a mapping (${what})`);
    return { file, data: undefined, diagnostics, position };
  }
  for (const problem of [...doc.errors, ...doc.warnings]) {
    add(problem.pos[0], problem.message.replace(/\s+/g, ' ').trim());
  }
  const extra = docs[1];
  if (extra) {
    add(extra.range[0], `${what} must hold exactly one YAML document, found ${docs.length}`);
  }
  const rootKind = describeRoot(doc);
  if (diagnostics.length === 0 && rootKind === 'empty') {
    add(undefined, `file is empty; expected a mapping (${what})`);
  } else if (diagnostics.length === 0 && rootKind !== undefined) {
    add(doc.range[0], `expected a mapping at the top level of ${what}, got ${rootKind}`);
  }
  if (diagnostics.length > 0) {
    return { file, data: undefined, diagnostics, position };
  }
  try {
    return { file, data: doc.toJS({ maxAliasCount: 100 }), diagnostics, position };
  } catch (error) {
    // toJS throws when aliases expand past maxAliasCount (a "billion laughs" bomb): point at the first alias.
    const message = error instanceof Error ? error.message : String(error);
    add(/alias/i.test(message) ? firstAlias(doc) : undefined, `cannot read ${what}: ${message}`);
    return { file, data: undefined, diagnostics, position };
  }
}
