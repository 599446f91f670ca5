import { expect } from 'chai';
import { Binary, BSONRegExp, BSONSymbol, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { compareBson, EMPTY_ARRAY_KEY, TypeBound } from '../../src/embedded-mongo/bson-values';
import { afterPrefix, encodeKey } from '../../src/embedded-mongo/indexes/key-encoding';

// Not a wire test: the byte encoding of index keys must order exactly as the engine's own comparison.
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

const VALUES: unknown[] = [
  new MinKey(), EMPTY_ARRAY_KEY, null,
  NaN, -Infinity, -1e300, -2.5, -1, -0, 0, new Int32(0), 1e-300, 0.1, Decimal128.fromString('0.1'), Decimal128.fromString('0.10000000000000001'),
  1, new Double(1), Long.fromNumber(1), Decimal128.fromString('1.0'), 1.5, 2, 2 ** 53, Long.fromString('9007199254740993'), 2 ** 53 + 2,
  Long.fromString('9223372036854775807'), Long.fromString('-9223372036854775808'), Decimal128.fromString('-0.000001'), Infinity,
  '', '\u0000', 'a', 'a\u0000', 'a\u0000b', 'ab', 'b', 'B', '~', '\u007f', '\u0080', 'é', '中', '中国', '人大代表', '\ud83d\ude00', '\uffff', new BSONSymbol('ab'),
  {}, { a: 1 }, { a: 1, b: 2 }, { a: 2 }, { a: 'x' }, { b: 1 }, { a: null }, { a: { b: [1, 2] } },
  [], [1], [1, 2], [1, 'a'], [2], ['a'], [[1]], [null],
  new Binary(Buffer.from([1, 2])), new Binary(Buffer.from([1, 3])), new Binary(Buffer.from([0, 0, 0])), new Binary(Buffer.from([1, 2]), 4),
  new ObjectId('000000000000000000000000'), new ObjectId('65a000000000000000000001'), new ObjectId('ffffffffffffffffffffffff'),
  false, true,
  new Date(-1), new Date(0), new Date(1_700_000_000_000),
  new Timestamp({ t: 1, i: 2 }), new Timestamp({ t: 1, i: 3 }), new Timestamp({ t: 2, i: 0 }),
  /a/, /a/i, new BSONRegExp('b', ''),
  new MaxKey(),
];

describe('embedded-mongo: index key encoding (byte order = BSON order)', () => {
  it('orders every pair of values as compareBson does, ascending and descending', () => {
    for (const a of VALUES) {
      for (const b of VALUES) {
        const expected = sign(compareBson(a, b));
        const label = `${String(a)} vs ${String(b)}`;
        expect(sign(Buffer.compare(encodeKey([a], [1]), encodeKey([b], [1]))), label).to.equal(expected);
        expect(sign(Buffer.compare(encodeKey([a], [-1]), encodeKey([b], [-1]))), label + ' (desc)').to.equal(-expected);
      }
    }
  });

  it('orders compound keys field by field with mixed directions', () => {
    const sample = VALUES.filter((_, i) => i % 3 === 0);
    for (const a1 of sample) for (const b1 of sample) {
      const c1 = sign(compareBson(a1, b1));
      for (const [a2, b2] of [['x', 'y'], ['y', 'x'], [1, 1]] as const) {
        const c2 = sign(compareBson(a2, b2));
        const expected = c1 !== 0 ? c1 : -c2;
        expect(sign(Buffer.compare(encodeKey([a1, a2], [1, -1]), encodeKey([b1, b2], [1, -1])))).to.equal(expected);
      }
    }
  });

  it('places type brackets and prefix bounds around the values they enclose', () => {
    for (const v of VALUES) {
      const key = encodeKey([v], [1]);
      for (const rank of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) {
        const lo = encodeKey([new TypeBound(rank, false)], [1]);
        const hi = encodeKey([new TypeBound(rank, true)], [1]);
        expect(Buffer.compare(lo, key)).to.equal(sign(compareBson(new TypeBound(rank, false), v)) || -1);
        expect(Buffer.compare(hi, key)).to.equal(sign(compareBson(new TypeBound(rank, true), v)) || 1);
      }
      const compound = encodeKey([v, 'tail'], [1, 1]);
      expect(Buffer.compare(compound, key)).to.equal(1);
      expect(Buffer.compare(compound, afterPrefix(key))).to.equal(-1);
    }
  });
});
