/**
 * Decoding BSON without losing numeric types. bson's default promotion turns Double(2) and Long(5) into
 * JS numbers, which re-serialise as Int32: a value would change type on its first update. Documents are
 * decoded so that re-serialising gives the same types back:
 * - int32 → number (re-serialises as int32), double → number unless it is integral within int32 range,
 *   where it stays a `Double` (a plain 2 would become int32);
 * - int64 → `Long` (never promoted), decimal128 → `Decimal128`, as bson gives them.
 * The common case (no integral double) costs one scan of the bytes on top of the plain decode.
 */
import { deserialize, Double, Int32, type Document } from 'bson';

const BASE = { promoteLongs: false } as const;
const TYPED = { promoteValues: false } as const;

const BASE_UTF8 = { ...BASE, validation: { utf8: true } } as const;
const TYPED_UTF8 = { ...TYPED, validation: { utf8: true } } as const;

export function decodeDocument(bytes: Uint8Array, options: { validation?: { utf8: boolean } } = {}): Document {
  // the wire's option (UTF-8 validated) and storage's (none) without building an options object per call
  const utf8 = options.validation?.utf8 === true;
  if (!hasIntegralDouble(bytes)) return deserialize(bytes, utf8 ? BASE_UTF8 : options.validation ? { ...BASE, ...options } : BASE);
  return normalise(deserialize(bytes, utf8 ? TYPED_UTF8 : options.validation ? { ...TYPED, ...options } : TYPED)) as Document;
}

/** Int32 wrappers → numbers, doubles → numbers unless a number would re-serialise as int32. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalise(v[i]);
    return v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Int32) return v.value;
  if (v instanceof Double) return isInt32Valued(v.value) ? v : v.value;
  if ((v as { _bsontype?: string })._bsontype !== undefined || v instanceof Date || v instanceof RegExp || v instanceof Uint8Array) return v;
  const o = v as Document;
  for (const k of Object.keys(o)) o[k] = normalise(o[k]);
  return o;
}

function isInt32Valued(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff && !Object.is(n, -0);
}

/** Whether any double element (at any depth) holds an integer in int32 range. */
export function hasIntegralDouble(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const end = b.length;
  let pos = 4;
  while (pos < end) {
    const type = b[pos++];
    if (type === 0) continue; // end of a (nested) document
    while (pos < end && b[pos] !== 0) pos++; // element name
    pos++;
    switch (type) {
      case 0x01:
        if (isInt32Valued(view.getFloat64(pos, true))) return true;
        pos += 8;
        break;
      case 0x02:
      case 0x0d:
      case 0x0e:
        pos += 4 + view.getInt32(pos, true);
        break;
      case 0x03:
      case 0x04:
        pos += 4; // the nested document's elements follow inline
        break;
      case 0x05:
        pos += 5 + view.getInt32(pos, true);
        break;
      case 0x07:
        pos += 12;
        break;
      case 0x08:
        pos += 1;
        break;
      case 0x09:
      case 0x11:
      case 0x12:
        pos += 8;
        break;
      case 0x0b:
        while (pos < end && b[pos] !== 0) pos++;
        pos++;
        while (pos < end && b[pos] !== 0) pos++;
        pos++;
        break;
      case 0x0c:
        pos += 4 + view.getInt32(pos, true) + 12;
        break;
      case 0x0f:
        pos += view.getInt32(pos, true);
        break;
      case 0x10:
        pos += 4;
        break;
      case 0x13:
        pos += 16;
        break;
      case 0x06:
      case 0x0a:
      case 0x7f:
      case 0xff:
        break;
      default:
        return true; // unknown: let the typed decoder judge
    }
  }
  return false;
}

/**
 * A copy with numeric wrappers as JS numbers (Double, Int32, and Long within 2^53) for mingo's
 * expression operators, which only do arithmetic on numbers. Aggregation stages that compute use it.
 */
export function promoteNumbers<T>(v: T): T {
  if (Array.isArray(v)) return v.map(promoteNumbers) as unknown as T;
  if (v === null || typeof v !== 'object') return v;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Double' || t === 'Int32') return (v as unknown as { value: number }).value as unknown as T;
  if (t === 'Long') {
    const n = (v as unknown as { toNumber(): number }).toNumber();
    return (Number.isSafeInteger(n) ? n : v) as T;
  }
  if (t !== undefined || v instanceof Date || v instanceof RegExp || v instanceof Uint8Array) return v;
  const o: Document = {};
  for (const k of Object.keys(v as Document)) o[k] = promoteNumbers((v as Document)[k]);
  return o as T;
}
