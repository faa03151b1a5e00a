/**
 * DynamoDB's size of an item as the document client writes it (plain JS values: strings, numbers, booleans, null,
 * arrays as lists, objects as maps), by the rules of the DynamoDB Developer Guide ("Item sizes and formats"):
 * attribute name bytes + value bytes; a string is its UTF-8 length; a number about 1 byte per 2 significant digits
 * plus 1; null and booleans 1 byte; a list or map 3 bytes plus 1 byte per element plus the elements (and, in a
 * map, the names). Request units follow from it: one write unit per started 1 KB, one strongly consistent read
 * unit per started 4 KB.
 */
export function dynamoItemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += utf8(name) + valueBytes(value);
  }
  return bytes;
}

/** Request units of one operation on an item of `itemBytes` (at least 1). */
export function requestUnits(itemBytes: number, unitBytes: number): number {
  return Math.max(1, Math.ceil(itemBytes / unitBytes));
}

function valueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberBytes(value);
  if (Array.isArray(value)) {
    return 3 + value.reduce((sum: number, element: unknown) => sum + 1 + valueBytes(element), 0);
  }
  if (typeof value === 'object') {
    let sum = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      sum += 1 + utf8(name) + valueBytes(element);
    }
    return sum;
  }
  throw new TypeError(`no DynamoDB size for a ${typeof value}`);
}

function numberBytes(value: number): number {
  const digits = Math.abs(value).toExponential().replace(/e.*$/, '').replace('.', '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
