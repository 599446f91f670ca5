/**
 * Arithmetic with MongoDB's numeric type rules ($inc, $mul): the result has the wider type of the two
 * (int < long < double < decimal); an int result outside int32 becomes a long. Values are represented
 * as the decoder keeps them: JS numbers (int32 when integral within range, else double), `Double` for
 * an integral double, `Long`, `Decimal128`.
 */
import { Decimal128, Double, Long } from 'bson';
import { toNumber } from '../bson-values';
import { bsonType } from './bson-type';

const RANK: Record<string, number> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT32_MIN = -0x80000000, INT32_MAX = 0x7fffffff;

const asBigInt = (v: unknown) => (typeof v === 'bigint' ? v : BigInt(String(v)));

function asDouble(n: number): unknown {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0) ? new Double(n) : n;
}

function fromBigInt(b: bigint): unknown {
  return b >= -(2n ** 63n) && b < 2n ** 63n ? Long.fromBigInt(b) : Number(b);
}

export function numericKind(v: unknown): 'int' | 'long' | 'double' | 'decimal' {
  const t = bsonType(v);
  return t === 'long' || t === 'double' || t === 'decimal' ? t : 'int';
}

function combine(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const kind = RANK[numericKind(a)] >= RANK[numericKind(b)] ? numericKind(a) : numericKind(b);
  switch (kind) {
    case 'int': {
      const r = op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b);
      return r >= INT32_MIN && r <= INT32_MAX ? r : fromBigInt(op === 'add' ? asBigInt(toNumber(a)) + asBigInt(toNumber(b)) : asBigInt(toNumber(a)) * asBigInt(toNumber(b)));
    }
    case 'long': {
      const x = asBigInt(numericKind(a) === 'long' ? a : toNumber(a)), y = asBigInt(numericKind(b) === 'long' ? b : toNumber(b));
      return fromBigInt(op === 'add' ? x + y : x * y);
    }
    case 'double':
      return asDouble(op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b));
    default:
      return Decimal128.fromString(String(op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b)));
  }
}

export const addNumbers = (a: unknown, b: unknown) => combine(a, b, 'add');
export const multiplyNumbers = (a: unknown, b: unknown) => combine(a, b, 'mul');

/** The zero `$mul` writes to a missing field: 0 of the multiplier's type. */
export function zeroLike(v: unknown): unknown {
  return combine(0, v, 'mul');
}
