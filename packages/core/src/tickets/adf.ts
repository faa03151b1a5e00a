/**
 * The subset of Atlassian Document Format (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/)
 * the Jira builders emit, with constructors that never produce an empty text node (Jira rejects those).
 */

export type AdfMark =
  | { readonly type: 'strong' }
  | { readonly type: 'code' }
  | { readonly type: 'link'; readonly attrs: { readonly href: string } };

export interface AdfText {
  readonly type: 'text';
  readonly text: string;
  readonly marks?: readonly AdfMark[];
}

export interface AdfParagraph {
  readonly type: 'paragraph';
  readonly content: readonly AdfText[];
}

export interface AdfHeading {
  readonly type: 'heading';
  readonly attrs: { readonly level: 1 | 2 | 3 | 4 | 5 | 6 };
  readonly content: readonly AdfText[];
}

export interface AdfCodeBlock {
  readonly type: 'codeBlock';
  readonly content: readonly AdfText[];
}

export interface AdfListItem {
  readonly type: 'listItem';
  readonly content: ReadonlyArray<AdfParagraph | AdfCodeBlock | AdfBulletList>;
}

export interface AdfBulletList {
  readonly type: 'bulletList';
  readonly content: readonly AdfListItem[];
}

export interface AdfTableCell {
  readonly type: 'tableCell' | 'tableHeader';
  readonly content: readonly AdfParagraph[];
}

export interface AdfTableRow {
  readonly type: 'tableRow';
  readonly content: readonly AdfTableCell[];
}

export interface AdfTable {
  readonly type: 'table';
  readonly content: readonly AdfTableRow[];
}

export type AdfBlock = AdfParagraph | AdfHeading | AdfCodeBlock | AdfBulletList | AdfTable;

export interface AdfDoc {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfBlock[];
}

/** One run of text; an empty string gives no node. */
export function adfText(text: string, marks: readonly AdfMark[] = []): AdfText[] {
  if (text === '') return [];
  return [marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text }];
}

export function adfStrong(text: string): AdfText[] {
  return adfText(text, [{ type: 'strong' }]);
}

export function adfCode(text: string): AdfText[] {
  return adfText(text, [{ type: 'code' }]);
}

export function adfLink(text: string, href: string): AdfText[] {
  return adfText(text === '' ? href : text, [{ type: 'link', attrs: { href } }]);
}

export function adfParagraph(...parts: ReadonlyArray<readonly AdfText[]>): AdfParagraph {
  return { type: 'paragraph', content: parts.flat() };
}

export function adfHeading(level: AdfHeading['attrs']['level'], text: string): AdfHeading {
  return { type: 'heading', attrs: { level }, content: adfText(text) };
}

/** Code block content is plain text: no marks allowed. */
export function adfCodeBlock(text: string): AdfCodeBlock {
  return { type: 'codeBlock', content: adfText(text) };
}

export function adfBulletList(items: ReadonlyArray<AdfListItem['content']>): AdfBulletList {
  return { type: 'bulletList', content: items.map((content) => ({ type: 'listItem', content })) };
}

/** A table with a header row; every cell holds one paragraph of plain text. */
export function adfTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): AdfTable {
  const row = (cells: readonly string[], type: AdfTableCell['type']): AdfTableRow => ({
    type: 'tableRow',
    content: cells.map((cell) => ({ type, content: [adfParagraph(adfText(cell))] })),
  });
  return { type: 'table', content: [row(header, 'tableHeader'), ...rows.map((r) => row(r, 'tableCell'))] };
}

export function adfDoc(content: readonly AdfBlock[]): AdfDoc {
  return { type: 'doc', version: 1, content };
}
