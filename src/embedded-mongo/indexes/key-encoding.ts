/**
 * Index keys as bytes whose order is MongoDB's sort order (the idea of mongod's KeyString): comparing two
 * encoded keys with memcmp — as SQLite does for BLOB keys — gives the same answer as compareBson on the
 * values, field by field, with descending fields inverted. Two values encode identically exactly when
 * compareBson calls them equal (1, 1.0 and Long(1) share one key), so unique indexes can test equality on bytes.
 *
 * Every value encoding is prefix-free (self-delimiting), which is what makes concatenation (compound keys)
 * and byte inversion (descending fields) order-preserving. A value starts with a type tag; tags are spaced
 * so a TypeBound (the low or high end of one type bracket, used by range scans) is one byte between them.
 * Strings are encoded by UTF-16 code unit, as compareBson compares them; a collation would replace that
 * string encoding with the collator's sort key, and a geo index its own component encoding.
 */
import type { Document } from 'bson';
import { TypeBound, typeRank } from '../bson-values';

const TAG_BY_RANK = new Map<number, number>([
  [0, 0x0a], // MinKey
  [0.5, 0x0f], // undefined (the empty-array key)
  [1, 0x14], // null / missing
  [2, 0x1e], // numbers
  [3, 0x28], // strings, symbols
  [4, 0x32], // objects
  [5, 0x3c], // arrays
  [6, 0x46], // binData
  [7, 0x50], // ObjectId
  [8, 0x5a], // booleans
  [9, 0x64], // dates
  [10, 0x6e], // timestamps
  [11, 0x78], // regular expressions
  [12, 0x82], // code
  [13, 0xf0], // MaxKey
]);

class ByteWriter {
  private buf = Buffer.allocUnsafe(64);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  uint32(n: number): void {
    this.room(4);
    this.buf.writeUInt32BE(n >>> 0, this.length);
    this.length += 4;
  }

  /** A double in 8 bytes ordered as numbers (NaN first, -0 as 0). */
  double(n: number): void {
    this.room(8);
    if (Number.isNaN(n)) {
      this.buf.fill(0, this.length, this.length + 8);
    } else {
      this.buf.writeDoubleBE(n === 0 ? 0 : n, this.length);
      if (this.buf[this.length] & 0x80) for (let i = 0; i < 8; i++) this.buf[this.length + i] ^= 0xff;
      else this.buf[this.length] |= 0x80;
    }
    this.length += 8;
  }

  invertFrom(start: number): void {
    for (let i = start; i < this.length; i++) this.buf[i] ^= 0xff;
  }

  result(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buf.copy(out, 0, 0, this.length);
    return out;
  }
}

/**
 * UTF-16 code units, 1–3 bytes each, then a 0x00 terminator (order = code-unit order). A lead byte is never 0
 * (1-byte units are 0x01–0x7f, 2-byte units lead with 0x80–0xbe, 3-byte ones with 0xc0), so the terminator
 * can only stand where a unit would start: the encoding stays prefix-free.
 */
function writeString(w: ByteWriter, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x7f) w.byte(u + 1);
    else if (u < 0x3f7f) {
      const v = u - 0x7f;
      w.byte(0x80 + (v >> 8));
      w.byte(v & 0xff);
    } else {
      const v = u - 0x3f7f;
      w.byte(0xc0);
      w.byte(v >> 8);
      w.byte(v & 0xff);
    }
  }
  w.byte(0);
}

interface Decimal {
  neg: boolean;
  /** digits × 10^-scale */
  digits: bigint;
  scale: number;
}

function parseDecimal(text: string): Decimal | undefined {
  const m = /^([+-])?(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  let scale = frac.length - Number(m[4] ?? 0);
  let digits = BigInt(m[2] + frac);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { neg: m[1] === '-', digits, scale };
}

function scaled(d: Decimal, scale: number): bigint {
  const v = d.digits * 10n ** BigInt(scale - d.scale);
  return d.neg ? -v : v;
}

/**
 * Numbers: the nearest double (8 ordered bytes), then where the exact value lies against that double's
 * shortest decimal form — equal (0x80), below (0x7f + inverted magnitude) or above (0x81 + magnitude) —
 * so a Long beyond 2^53 or a Decimal128 keeps its exact place, as compareBson orders them.
 */
function writeNumber(w: ByteWriter, v: unknown): void {
  const t = typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : t === 'Decimal128' ? parseFloat(String(v)) : Number((v as { valueOf(): number }).valueOf());
  w.double(n);
  if ((t !== 'Long' && t !== 'Decimal128' && typeof v !== 'bigint') || !Number.isFinite(n)) return w.byte(0x80);
  const exact = parseDecimal(String(v));
  const near = parseDecimal(String(n));
  if (!exact || !near) return w.byte(0x80);
  const scale = Math.max(exact.scale, near.scale);
  const diff = scaled(exact, scale) - scaled(near, scale);
  if (diff === 0n) return w.byte(0x80);
  const mag = (diff < 0n ? -diff : diff).toString();
  const trimmed = mag.replace(/0+$/, '');
  const exponent = mag.length - scale + 0x8000; // position of the decimal point, biased
  const start = w.length + 1;
  w.byte(diff < 0n ? 0x7f : 0x81);
  w.byte((exponent >> 8) & 0xff);
  w.byte(exponent & 0xff);
  for (let i = 0; i < trimmed.length; i++) w.byte(trimmed.charCodeAt(i));
  w.byte(0);
  if (diff < 0n) w.invertFrom(start);
}

function binaryParts(v: unknown): { bytes: Uint8Array; subtype: number } {
  if (v instanceof Uint8Array) return { bytes: v, subtype: 0 };
  const b = v as { buffer: Uint8Array; position?: number; sub_type?: number };
  return { bytes: b.position !== undefined ? b.buffer.subarray(0, b.position) : b.buffer, subtype: b.sub_type ?? 0 };
}

function writeValue(w: ByteWriter, v: unknown): void {
  if (v instanceof TypeBound) {
    const tag = TAG_BY_RANK.get(v.rank)!;
    return w.byte(v.high ? tag + 1 : tag - 1);
  }
  const rank = typeRank(v);
  const tag = TAG_BY_RANK.get(rank) ?? TAG_BY_RANK.get(4)!;
  w.byte(tag);
  switch (rank) {
    case 2:
      return writeNumber(w, v);
    case 3:
      return writeString(w, typeof v === 'string' ? v : String((v as { value: string }).value));
    case 4: {
      const o = v as Document;
      for (const k of Object.keys(o)) {
        w.byte(TAG_BY_RANK.get(typeRank(o[k])) ?? TAG_BY_RANK.get(4)!);
        writeString(w, k);
        writeValue(w, o[k]);
      }
      return w.byte(0);
    }
    case 5:
      for (const e of v as unknown[]) writeValue(w, e);
      return w.byte(0);
    case 6: {
      const { bytes, subtype } = binaryParts(v);
      w.uint32(bytes.length);
      w.byte(subtype);
      return w.bytes(bytes);
    }
    case 7:
      return w.bytes((v as { id: Uint8Array }).id);
    case 8:
      return w.byte(v ? 1 : 0);
    case 9:
      return w.double((v as Date).getTime());
    case 10: {
      const ts = v as unknown as { t: number; i: number };
      w.uint32(ts.t);
      return w.uint32(ts.i);
    }
    case 11: {
      const r = v instanceof RegExp ? { pattern: v.source, options: v.flags } : (v as { pattern: string; options: string });
      return writeString(w, `${r.pattern}\u0000${r.options}`);
    }
    case 12:
      return writeString(w, String((v as { code?: unknown }).code ?? v));
    default:
      return; // MinKey, undefined, null, MaxKey: the tag is the whole value
  }
}

/** encodeKey's scratch space (keys are built synchronously, one at a time), copied out at the end. */
const scratch = new ByteWriter();

/** Encodes an index key (or a prefix of one) for fields with the given directions (1 / -1). */
export function encodeKey(values: readonly unknown[], dirs: readonly number[]): Buffer {
  const w = scratch;
  w.length = 0;
  for (let i = 0; i < values.length; i++) {
    const start = w.length;
    writeValue(w, values[i]);
    if (dirs[i] < 0) w.invertFrom(start);
  }
  return w.result();
}

/** A byte string greater than every key that starts with `prefix` (no value encoding begins with 0xff). */
export function afterPrefix(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, Buffer.from([0xff])]);
}

const STRING_TAG = TAG_BY_RANK.get(3)!;
const REGEX_TAG = TAG_BY_RANK.get(11)!;

/** The bytes a string's characters take inside a key (no tag, no terminator), inverted for a descending field. */
export function encodeStringBody(s: string, inverted: boolean): Buffer {
  const w = new ByteWriter();
  writeString(w, s);
  const out = w.result().subarray(0, w.length - 1);
  if (inverted) for (let i = 0; i < out.length; i++) out[i] ^= 0xff;
  return out;
}

/**
 * The string value of the key component that starts at `offset`; `undefined` when that component is not a
 * string, `REGEX_COMPONENT` when it is a regular expression.
 */
export function decodeStringAt(key: Uint8Array, offset: number, inverted: boolean): string | undefined | typeof REGEX_COMPONENT {
  const x = inverted ? 0xff : 0;
  const tag = key[offset] ^ x;
  if (tag === REGEX_TAG) return REGEX_COMPONENT;
  if (tag !== STRING_TAG) return undefined;
  let s = '';
  let i = offset + 1;
  for (;;) {
    const b = key[i++] ^ x;
    if (b === 0 || i > key.length) return s;
    if (b < 0x80) s += String.fromCharCode(b - 1);
    else if (b < 0xc0) s += String.fromCharCode((((b - 0x80) << 8) | (key[i++] ^ x)) + 0x7f);
    else {
      s += String.fromCharCode((((key[i] ^ x) << 8) | (key[i + 1] ^ x)) + 0x3f7f);
      i += 2;
    }
  }
}

export const REGEX_COMPONENT = Symbol('regex key component');
