/** BSON type names and numbers as `$type` and `$jsonSchema.bsonType` use them. */

const NUMBER_TO_NAME: Record<number, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 6: 'undefined', 7: 'objectId', 8: 'bool', 9: 'date', 10: 'null',
  11: 'regex', 12: 'dbPointer', 13: 'javascript', 14: 'symbol', 15: 'javascriptWithScope', 16: 'int', 17: 'timestamp', 18: 'long', 19: 'decimal', [-1]: 'minKey', 127: 'maxKey',
};
const NAMES = new Set([...Object.values(NUMBER_TO_NAME), 'number']);

const BY_BSONTYPE: Record<string, string> = {
  Long: 'long', Int32: 'int', Double: 'double', Decimal128: 'decimal', ObjectId: 'objectId', Binary: 'binData', UUID: 'binData', Timestamp: 'timestamp',
  BSONRegExp: 'regex', MinKey: 'minKey', MaxKey: 'maxKey', BSONSymbol: 'symbol', DBRef: 'object', Undefined: 'undefined', DBPointer: 'dbPointer',
};

/** The BSON type a value serialises as (a JS number: int when integral within int32, else double). */
export function bsonType(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'javascript';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (v instanceof Uint8Array) return 'binData';
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Code') return (v as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
  if (t !== undefined) return BY_BSONTYPE[t] ?? 'object';
  return 'object';
}

/** The type name a `$type` argument denotes (`'number'` included); throws on an unknown one. */
export function typeAlias(arg: unknown): string | undefined {
  if (typeof arg === 'string') return NAMES.has(arg) ? arg : undefined;
  const n = Number(typeof arg === 'object' && arg !== null ? (arg as { valueOf(): unknown }).valueOf() : arg);
  return Number.isInteger(n) ? NUMBER_TO_NAME[n] : undefined;
}

export function isOfType(v: unknown, alias: string): boolean {
  const t = bsonType(v);
  if (alias === 'number') return t === 'int' || t === 'long' || t === 'double' || t === 'decimal';
  return t === alias;
}
