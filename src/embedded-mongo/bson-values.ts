/**
 * Value helpers that follow MongoDB's BSON semantics: the cross-type comparison order, a canonical
 * string form used as a hash key for `_id`, dotted-path extraction through arrays, and the value
 * formatting mongod uses in E11000 messages.
 */
import type { Document } from 'bson';

/** Placeholder bounds used by index range scans: lowest/highest value of one BSON type bracket. */
export class TypeBound {
  constructor(readonly rank: number, readonly high: boolean) {}
}

/**
 * The index and sort key of an empty array: BSON `undefined`, as mongod uses — after MinKey, before null,
 * so `{ t: [] }` and a document without `t` do not collide in a unique index and `[]` sorts before null.
 */
export const EMPTY_ARRAY_KEY: unknown = Object.freeze({ _bsontype: 'Undefined', toString: () => 'undefined' });

// MinKey < undefined (empty-array key) < null < numbers < strings < objects < arrays < binData < ObjectId < bool < Date < Timestamp < regex < code < MaxKey
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 1;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    case 'boolean':
      return 8;
    case 'object':
      break;
    default:
      return 12;
  }
  if (Array.isArray(v)) return 5;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  if (v instanceof TypeBound) return v.rank;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t !== undefined) {
    switch (t) {
      case 'Long':
      case 'Int32':
      case 'Double':
      case 'Decimal128':
        return 2;
      case 'BSONSymbol':
        return 3;
      case 'Binary':
        return 6;
      case 'ObjectId':
        return 7;
      case 'Timestamp':
        return 10;
      case 'BSONRegExp':
        return 11;
      case 'Code':
        return 12;
      case 'MinKey':
        return 0;
      case 'Undefined':
        return 0.5;
      case 'MaxKey':
        return 13;
      default:
        return 4; // DBRef and friends compare as documents
    }
  }
  if (v instanceof Uint8Array) return 6;
  return 4;
}

export function isBsonValueObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && ((v as { _bsontype?: string })._bsontype !== undefined || v instanceof Date || v instanceof RegExp || v instanceof Uint8Array);
}

export function isPlainObject(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isBsonValueObject(v);
}

/** `{ $gt: 1 }` style operator objects (as opposed to embedded documents used for equality). */
export function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  for (const k in v) return k.startsWith('$');
  return false;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Decimal128') return parseFloat(String(v));
  if (t === 'Long' || t === 'Int32' || t === 'Double') return Number((v as { valueOf(): number }).valueOf?.() ?? (v as { toNumber(): number }).toNumber());
  return Number(v);
}

function cmpNum(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // NaN sorts before every other number, as in MongoDB
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  return an && bn ? 0 : an ? -1 : 1;
}

/** Long and Decimal128 can hold values a double cannot. */
function isWide(v: unknown): boolean {
  const t = typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined;
  return t === 'Long' || t === 'Decimal128';
}

interface ExactNumber {
  neg: boolean;
  int: bigint;
  /** fraction digits without trailing zeros */
  frac: string;
}

/** The exact decimal value of a finite number, Long or Decimal128 (a double by its shortest decimal form); undefined for NaN/±Infinity. */
function exactNumber(v: unknown): ExactNumber | undefined {
  const t = typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined;
  if (t === 'Long') {
    const b = BigInt(String(v));
    return { neg: b < 0n, int: b < 0n ? -b : b, frac: '' };
  }
  const n = t === 'Decimal128' ? undefined : toNumber(v);
  if (n !== undefined) {
    if (!Number.isFinite(n)) return undefined;
    if (Number.isInteger(n)) return { neg: n < 0, int: BigInt(n < 0 ? -n : n), frac: '' };
  }
  const m = /^([+-])?(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(n !== undefined ? String(n) : String(v));
  if (!m) return undefined;
  const digits = m[2] + (m[3] ?? '');
  const exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  let int: string, frac: string;
  if (exp >= 0) {
    int = digits + '0'.repeat(exp);
    frac = '';
  } else {
    const padded = digits.padStart(-exp + 1, '0');
    int = padded.slice(0, padded.length + exp);
    frac = padded.slice(padded.length + exp).replace(/0+$/, '');
  }
  const i = BigInt(int);
  return { neg: m[1] === '-' && (i !== 0n || frac !== ''), int: i, frac };
}

function sameExact(a: ExactNumber, b: ExactNumber): boolean {
  return a.neg === b.neg && a.int === b.int && a.frac === b.frac;
}

function formatExact(e: ExactNumber): string {
  return (e.neg ? '-' : '') + e.int.toString() + (e.frac ? '.' + e.frac : '');
}

function compareExact(a: unknown, b: unknown): number {
  const x = exactNumber(a), y = exactNumber(b);
  if (!x || !y) return 0;
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  let c = x.int === y.int ? 0 : x.int < y.int ? -1 : 1;
  if (c === 0) {
    const len = Math.max(x.frac.length, y.frac.length);
    const fx = x.frac.padEnd(len, '0'), fy = y.frac.padEnd(len, '0');
    c = fx === fy ? 0 : fx < fy ? -1 : 1;
  }
  return x.neg ? -c : c;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function compareBson(a: unknown, b: unknown): number {
  // fast paths for the common same-type cases
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'number') return cmpNum(a as number, b as number);
    if (ta === 'string') return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    if (a instanceof Date && b instanceof Date) return cmpNum(a.getTime(), b.getTime());
  }
  const ra = typeRank(a), rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a instanceof TypeBound || b instanceof TypeBound) {
    if (a instanceof TypeBound && b instanceof TypeBound) return a.high === b.high ? 0 : a.high ? 1 : -1;
    if (a instanceof TypeBound) return a.high ? 1 : -1;
    return (b as TypeBound).high ? -1 : 1;
  }
  switch (ra) {
    case 2: {
      const c = cmpNum(toNumber(a), toNumber(b));
      // Number() rounds Long beyond 2^53 and Decimal128: break ties on the exact decimal value
      return c !== 0 || !(isWide(a) || isWide(b)) ? c : compareExact(a, b);
    }
    case 3: {
      const sa = typeof a === 'string' ? a : String((a as { value: string }).value);
      const sb = typeof b === 'string' ? b : String((b as { value: string }).value);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    case 4: {
      const ka = Object.keys(a as Document), kb = Object.keys(b as Document);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const va = (a as Document)[ka[i]], vb = (b as Document)[kb[i]];
        const tr = typeRank(va) - typeRank(vb);
        if (tr !== 0) return tr < 0 ? -1 : 1;
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = compareBson(va, vb);
        if (c !== 0) return c;
      }
      return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
    }
    case 5: {
      const xa = a as unknown[], xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareBson(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length === xb.length ? 0 : xa.length < xb.length ? -1 : 1;
    }
    case 6: {
      const ba = binaryBytes(a), bb = binaryBytes(b);
      if (ba.length !== bb.length) return ba.length < bb.length ? -1 : 1;
      const sa = binarySubtype(a), sb = binarySubtype(b);
      if (sa !== sb) return sa < sb ? -1 : 1;
      return cmpBytes(ba, bb);
    }
    case 7:
      return compareObjectIds(a, b);
    case 8:
      return a === b ? 0 : a ? 1 : -1;
    case 9:
      return cmpNum((a as Date).getTime(), (b as Date).getTime());
    case 10: {
      const ta = a as unknown as { t: number; i: number }, tb = b as unknown as { t: number; i: number };
      return ta.t !== tb.t ? (ta.t < tb.t ? -1 : 1) : cmpNum(ta.i, tb.i);
    }
    case 11: {
      const sa = regexParts(a), sb = regexParts(b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    case 12: {
      const sa = String((a as { code?: unknown }).code ?? a), sb = String((b as { code?: unknown }).code ?? b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    default:
      return 0;
  }
}

type OidWords = { i0?: number; i1: number; i2: number; i3: number; id: Uint8Array };
function compareObjectIds(a: unknown, b: unknown): number {
  const x = a as OidWords, y = b as OidWords;
  // bson 7 keeps an ObjectId as four 24-bit words; comparing them avoids materialising the bytes
  if (x.i0 !== undefined && y.i0 !== undefined) {
    if (x.i0 !== y.i0) return x.i0 < y.i0 ? -1 : 1;
    if (x.i1 !== y.i1) return x.i1 < y.i1 ? -1 : 1;
    if (x.i2 !== y.i2) return x.i2 < y.i2 ? -1 : 1;
    return x.i3 === y.i3 ? 0 : x.i3 < y.i3 ? -1 : 1;
  }
  return cmpBytes(x.id, y.id);
}

function binaryBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const b = v as { buffer: Uint8Array; position?: number };
  return b.position !== undefined ? b.buffer.subarray(0, b.position) : b.buffer;
}

function binarySubtype(v: unknown): number {
  return v instanceof Uint8Array ? 0 : ((v as { sub_type?: number }).sub_type ?? 0);
}

function regexParts(v: unknown): string {
  if (v instanceof RegExp) return `${v.source}\u0000${v.flags}`;
  const r = v as { pattern: string; options: string };
  return `${r.pattern}\u0000${r.options}`;
}

/** A string that is equal for two values exactly when compareBson says they are equal (1, 1.0 and Long(1) agree). */
export function canonicalKey(v: unknown): string {
  switch (typeRank(v)) {
    case 0:
      return 'm';
    case 1:
      return 'N';
    case 0.5:
      return 'u';
    case 2: {
      const n = toNumber(v);
      if (!isWide(v)) return 'n' + (n === 0 ? '0' : String(n));
      // a Long/Decimal128 that a double holds exactly keys like that double; otherwise by its exact value
      const exact = exactNumber(v);
      if (!exact) return 'n' + String(n);
      const nearest = exactNumber(n);
      return nearest && sameExact(exact, nearest) ? 'n' + (n === 0 ? '0' : String(n)) : 'D' + formatExact(exact);
    }
    case 3:
      return 's' + (typeof v === 'string' ? v : String((v as { value: string }).value));
    case 4: {
      const o = v as Document;
      let s = '{';
      for (const k of Object.keys(o)) s += JSON.stringify(k) + ':' + canonicalKey(o[k]) + ',';
      return s + '}';
    }
    case 5:
      return '[' + (v as unknown[]).map(canonicalKey).join(',') + ']';
    case 6:
      return 'B' + binarySubtype(v) + ':' + Buffer.from(binaryBytes(v)).toString('base64');
    case 7:
      return 'o' + (v as { toHexString(): string }).toHexString();
    case 8:
      return v ? 'T' : 'F';
    case 9:
      return 'd' + (v as Date).getTime();
    case 10: {
      const t = v as unknown as { t: number; i: number };
      return 't' + t.t + ':' + t.i;
    }
    case 11:
      return 'r' + regexParts(v);
    case 13:
      return 'M';
    default:
      return 'x' + String(v);
  }
}

/**
 * All values a dotted path reaches in a document, descending through arrays the way MongoDB index
 * keys do (array elements are each a key; a missing path yields `undefined`, an empty array `emptyArray`
 * — EMPTY_ARRAY_KEY for index and sort keys). `multikey` tells whether an array was traversed.
 */
export function pathValues(doc: unknown, path: string | string[], emptyArray?: unknown): { values: unknown[]; multikey: boolean } {
  const parts = typeof path === 'string' ? path.split('.') : path;
  const out: unknown[] = [];
  const state = { multikey: false, emptyArray };
  collect(doc, parts, 0, out, state);
  if (out.length === 0) out.push(undefined);
  return { values: out, multikey: state.multikey };
}

function collect(cur: unknown, parts: string[], i: number, out: unknown[], state: { multikey: boolean; emptyArray: unknown }): void {
  if (i === parts.length) {
    if (Array.isArray(cur)) {
      state.multikey = true;
      if (cur.length === 0) out.push(state.emptyArray);
      else for (const e of cur) out.push(e);
    } else out.push(cur);
    return;
  }
  if (cur === null || typeof cur !== 'object' || isBsonValueObject(cur)) {
    out.push(undefined);
    return;
  }
  if (Array.isArray(cur)) {
    state.multikey = true;
    const p = parts[i];
    if (/^\d+$/.test(p)) {
      collect(cur[Number(p)], parts, i + 1, out, state);
      return;
    }
    const before = out.length;
    for (const e of cur) if (isPlainObject(e)) collect(e, parts, i, out, state);
    if (out.length === before) out.push(undefined);
    return;
  }
  collect((cur as Document)[parts[i]], parts, i + 1, out, state);
}

/** Single value at a dotted path without array expansion (undefined when absent). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Document)[p];
  }
  return cur;
}

/** Sets a dotted path, creating (or replacing non-object) intermediate levels as plain objects. */
export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Document = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === undefined || next === null || typeof next !== 'object') cur[parts[i]] = {};
    cur = cur[parts[i]] as Document;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Deep copy of plain objects and arrays; BSON value objects are immutable in practice and shared. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as unknown as T;
  if (isPlainObject(v)) {
    const o: Document = {};
    for (const k of Object.keys(v)) o[k] = deepClone((v as Document)[k]);
    return o as T;
  }
  return v;
}

/** Formats a value the way mongod prints it in error messages: `"x"`, `12`, `ObjectId('…')`, `new Date(…)`, `{ a: 1 }`. */
export function formatValue(v: unknown): string {
  switch (typeRank(v)) {
    case 1:
      return 'null';
    case 2:
      return isWide(v) && (v as { _bsontype: string })._bsontype === 'Long' ? String(v) : String(toNumber(v));
    case 3:
      return JSON.stringify(typeof v === 'string' ? v : String((v as { value: string }).value));
    case 4: {
      const o = v as Document;
      const keys = Object.keys(o);
      return keys.length === 0 ? '{}' : '{ ' + keys.map((k) => `${k}: ${formatValue(o[k])}`).join(', ') + ' }';
    }
    case 5:
      return '[ ' + (v as unknown[]).map(formatValue).join(', ') + ' ]';
    case 6:
      return `BinData(${binarySubtype(v)}, ${Buffer.from(binaryBytes(v)).toString('hex').toUpperCase()})`;
    case 7:
      return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case 8:
      return String(v);
    case 9:
      return `new Date(${(v as Date).getTime()})`;
    default:
      return String(v);
  }
}
