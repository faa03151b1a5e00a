/**
 * Minimal structural checks for Atlassian Document Format. The Jira OpenAPI document types `description` and comment
 * `body` as untyped values, so it cannot judge ADF; these checks follow the published ADF structure
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/) for the nodes HealOps emits.
 */

const CHILDREN: Readonly<Record<string, readonly string[]>> = {
  doc: [
    'paragraph',
    'heading',
    'codeBlock',
    'bulletList',
    'orderedList',
    'table',
    'rule',
    'blockquote',
    'panel',
  ],
  paragraph: ['text', 'hardBreak'],
  heading: ['text', 'hardBreak'],
  codeBlock: ['text'],
  bulletList: ['listItem'],
  orderedList: ['listItem'],
  listItem: ['paragraph', 'bulletList', 'orderedList', 'codeBlock'],
  table: ['tableRow'],
  tableRow: ['tableHeader', 'tableCell'],
  tableHeader: ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'heading'],
  tableCell: ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'heading'],
};

/** Nodes whose content must not be empty. */
const NON_EMPTY = new Set([
  'bulletList',
  'orderedList',
  'listItem',
  'table',
  'tableRow',
  'tableHeader',
  'tableCell',
]);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline']);
const NODE_KEYS = new Set(['type', 'content', 'attrs', 'text', 'marks', 'version']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every structural problem in `doc` as an ADF document ([] when well-formed). */
export function adfProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc) || doc.type !== 'doc' || doc.version !== 1) {
    return ['root must be { type: "doc", version: 1, content: [...] }'];
  }
  walk(doc, '', problems, undefined);
  return problems;
}

function walk(
  node: Record<string, unknown>,
  path: string,
  problems: string[],
  parent: string | undefined,
): void {
  const type = node.type;
  const here = `${path}/${String(type)}`;
  if (typeof type !== 'string') {
    problems.push(`${here}: node without a type`);
    return;
  }
  for (const key of Object.keys(node)) {
    if (!NODE_KEYS.has(key)) problems.push(`${here}: unknown key ${key}`);
  }
  if (type === 'text') {
    checkText(node, here, problems, parent);
    return;
  }
  if (type === 'heading') {
    const level = isRecord(node.attrs) ? node.attrs.level : undefined;
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 6) {
      problems.push(`${here}: heading level must be 1..6`);
    }
  }
  const allowed = CHILDREN[type];
  if (allowed === undefined) {
    problems.push(`${here}: unsupported node type`);
    return;
  }
  if (!Array.isArray(node.content)) {
    problems.push(`${here}: content must be an array`);
    return;
  }
  if (NON_EMPTY.has(type) && node.content.length === 0) problems.push(`${here}: content must not be empty`);
  if (type === 'listItem' && isRecord(node.content[0]) && node.content[0].type !== 'paragraph') {
    problems.push(`${here}: a list item starts with a paragraph`);
  }
  if (type === 'table') checkTableWidth(node.content, here, problems);
  node.content.forEach((child: unknown, i: number) => {
    if (!isRecord(child)) {
      problems.push(`${here}[${i}]: child is not a node`);
      return;
    }
    if (typeof child.type !== 'string' || !allowed.includes(child.type)) {
      problems.push(`${here}[${i}]: ${String(child.type)} is not allowed in ${type}`);
      return;
    }
    walk(child, `${here}[${i}]`, problems, type);
  });
}

function checkText(
  node: Record<string, unknown>,
  here: string,
  problems: string[],
  parent: string | undefined,
): void {
  if (typeof node.text !== 'string' || node.text.length === 0)
    problems.push(`${here}: text must be non-empty`);
  if (node.marks === undefined) return;
  if (!Array.isArray(node.marks)) {
    problems.push(`${here}: marks must be an array`);
    return;
  }
  if (parent === 'codeBlock' && node.marks.length > 0)
    problems.push(`${here}: code block text takes no marks`);
  for (const mark of node.marks) {
    if (!isRecord(mark) || typeof mark.type !== 'string' || !MARKS.has(mark.type)) {
      problems.push(`${here}: unknown mark ${JSON.stringify(mark)}`);
      continue;
    }
    if (mark.type === 'link') {
      const href = isRecord(mark.attrs) ? mark.attrs.href : undefined;
      if (typeof href !== 'string' || !/^https?:\/\//.test(href))
        problems.push(`${here}: link without a web href`);
    }
  }
}

function checkTableWidth(rows: unknown[], here: string, problems: string[]): void {
  const widths = new Set(
    rows.map((row) => (isRecord(row) && Array.isArray(row.content) ? row.content.length : -1)),
  );
  if (widths.size > 1) problems.push(`${here}: rows differ in width`);
}

/** Every text in `doc`, joined by newlines: what a reader sees. */
export function adfPlainText(doc: unknown): string {
  if (!isRecord(doc)) return '';
  const own = typeof doc.text === 'string' ? [doc.text] : [];
  const children = Array.isArray(doc.content) ? doc.content.map(adfPlainText) : [];
  return [...own, ...children].filter((s) => s !== '').join('\n');
}

/** Every link href in `doc`. */
export function adfLinks(doc: unknown): string[] {
  if (!isRecord(doc)) return [];
  const own = Array.isArray(doc.marks)
    ? doc.marks.flatMap((m: unknown) =>
        isRecord(m) && m.type === 'link' && isRecord(m.attrs) && typeof m.attrs.href === 'string'
          ? [m.attrs.href]
          : [],
      )
    : [];
  const children = Array.isArray(doc.content) ? doc.content.flatMap(adfLinks) : [];
  return [...own, ...children];
}
