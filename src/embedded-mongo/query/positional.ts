/**
 * Resolves the positional `$` in update paths (`recipients.$.status`) to the index of the array element the query
 * matched, before the update runs. mingo resolves one such path but refuses two under the same array as a conflict,
 * while mongod allows any number of them (`{$set: {'a.$.x': 1, 'a.$.y': 2}}`).
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { getPath, isPlainObject, setPath } from '../bson-values';
import { mongoQuery } from './mongo-query';

const POSITIONAL = /^(.*?)\.\$(?=\.|$)/;

export function hasPositional(modifier: Document): boolean {
  return Object.values(modifier).some((args) => Object.keys(args as Document).some((p) => POSITIONAL.test(p)));
}

/** The modifier with every `prefix.$` replaced by `prefix.<index>`; mongod's error when the query matched no element. */
export function resolvePositional(doc: Document, modifier: Document, query: Document): Document {
  const indexes = new Map<string, number | undefined>();
  const out: Document = {};
  for (const [op, args] of Object.entries(modifier)) {
    const resolved: Document = {};
    for (const [path, value] of Object.entries(args as Document)) {
      const m = POSITIONAL.exec(path);
      if (!m) {
        resolved[path] = value;
        continue;
      }
      const prefix = m[1];
      if (!indexes.has(prefix)) indexes.set(prefix, matchedIndex(doc, prefix, query));
      const index = indexes.get(prefix);
      if (index === undefined) throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
      resolved[`${prefix}.${index}${path.slice(m[0].length)}`] = value;
    }
    out[op] = resolved;
  }
  return out;
}

/** Index of the first element of the array at `prefix` that satisfies the query's conditions on that array. */
export function matchedIndex(doc: Document, prefix: string, query: Document): number | undefined {
  const array = getPath(doc, prefix);
  if (!Array.isArray(array)) return undefined;
  const conditions = conditionsOn(prefix, query);
  if (conditions.length === 0) return undefined;
  const q = mongoQuery({ $and: conditions });
  for (let i = 0; i < array.length; i++) {
    const probe: Document = {};
    setPath(probe, prefix, [array[i]]);
    if (q.test(probe)) return i;
  }
  return undefined;
}

/** The query's top-level (and `$and`-nested) conditions on `prefix` or paths below it. */
function conditionsOn(prefix: string, query: Document): Document[] {
  const found: Document[] = [];
  for (const [key, cond] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) found.push(...conditionsOn(prefix, sub));
    } else if (key === prefix || key.startsWith(`${prefix}.`)) {
      found.push({ [key]: cond });
    }
  }
  return found;
}
