/**
 * A matcher for the most common filter shape — top-level fields compared with scalars
 * (`{ slug: 'x', n: { $gte: 1, $lt: 5 }, tag: { $in: [...] } }`) — that avoids building a mingo
 * Query (which copies mingo's whole operator table per instance). Semantics follow MongoDB: a
 * field matches when any value at its path (array elements included) satisfies the comparison
 * within the same BSON type bracket. Anything else returns undefined and goes to mingo.
 */
import type { Document } from 'bson';
import { compareBson, isOperatorObject, isPlainObject, pathValues, typeRank } from '../bson-values';

type FieldTest = (values: unknown[]) => boolean;

function scalar(v: unknown): boolean {
  const r = typeRank(v);
  // null/missing, objects, arrays, regexes and min/max keys have special matching rules: leave them to mingo
  return r === 2 || r === 3 || r === 6 || r === 7 || r === 8 || r === 9 || r === 10;
}

function eqTest(v: unknown): FieldTest {
  return (values) => values.some((x) => x !== undefined && x !== null && compareBson(x, v) === 0);
}

function cmpTest(v: unknown, ok: (c: number) => boolean): FieldTest {
  const rank = typeRank(v);
  return (values) => values.some((x) => typeRank(x) === rank && ok(compareBson(x, v)));
}

function compileField(cond: unknown): FieldTest | undefined {
  if (!isOperatorObject(cond)) return scalar(cond) ? eqTest(cond) : undefined;
  const tests: FieldTest[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$eq':
        if (!scalar(arg)) return undefined;
        tests.push(eqTest(arg));
        break;
      case '$ne': {
        if (!scalar(arg)) return undefined;
        const eq = eqTest(arg);
        tests.push((vs) => !eq(vs));
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (!scalar(arg)) return undefined;
        const ok = op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
        tests.push(cmpTest(arg, ok));
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg) || !arg.every(scalar)) return undefined;
        const eqs = arg.map(eqTest);
        tests.push(op === '$in' ? (vs) => eqs.some((t) => t(vs)) : (vs) => !eqs.some((t) => t(vs)));
        break;
      }
      default:
        return undefined;
    }
  }
  return tests.length === 1 ? tests[0] : (vs) => tests.every((t) => t(vs));
}

export function compileFastFilter(filter: Document): ((doc: Document) => boolean) | undefined {
  const fields: [string[], FieldTest][] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$') || k.split('.').some((p) => p === '' || /^\d+$/.test(p))) return undefined;
    if (isPlainObject(v) && !isOperatorObject(v)) return undefined;
    const t = compileField(v);
    if (!t) return undefined;
    fields.push([k.split('.'), t]);
  }
  if (fields.length === 1) {
    const [[path, t]] = fields;
    return path.length === 1 ? (doc) => fieldTest(doc, path[0], t) : (doc) => t(pathValues(doc, path).values);
  }
  return (doc) => fields.every(([path, t]) => (path.length === 1 ? fieldTest(doc, path[0], t) : t(pathValues(doc, path).values)));
}

function fieldTest(doc: Document, key: string, t: FieldTest): boolean {
  const v = doc[key];
  return Array.isArray(v) ? t(v.length ? v : [undefined]) : t([v]);
}
