/**
 * Compiles a MongoDB filter into a predicate. mingo evaluates the query language; `$text` is handled
 * here as substring search over the collection's text-indexed fields (Chinese text has no word
 * breaks, so substring matching is the useful behaviour; there is no stemming or textScore ranking).
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { Collection } from '../storage/collection';
import { compileFastFilter } from './fast-match';
import { collatorFor } from './collation';
import { checkNearIndex } from './near';
import { mongoQuery } from './mongo-query';

export type Predicate = (doc: Document) => boolean;

export interface CompiledFilter {
  test: Predicate;
  /** The filter without `$text`, for mingo projections that need the query (positional `$`). */
  rest: Document;
}

export function compileFilter(coll: Collection | undefined, filter: Document | undefined, collation?: Document): CompiledFilter {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
    if (filter === undefined || filter === null) return { test: () => true, rest: {} };
    throw new CommandError('TypeMismatch', "BSON field 'filter' is the wrong type, expected type 'object'");
  }
  let rest = filter;
  let text: Predicate | undefined;
  if (filter.$text !== undefined) {
    const { $text, ...others } = filter;
    rest = others;
    text = compileText(coll, $text as Document);
  }
  if (Object.keys(rest).length === 0) return { test: text ?? (() => true), rest };
  const collated = collatorFor(collation) !== undefined;
  const fast = collated ? undefined : compileFastFilter(rest);
  if (fast) return { test: text ? (d: Document) => text(d) && fast(d) : fast, rest };
  checkNearIndex(coll, rest);
  const q = mongoQuery(rest, collated ? collation : undefined);
  const test = text ? (d: Document) => text(d) && q.test(d) : (d: Document) => q.test(d);
  return { test, rest };
}

function compileText(coll: Collection | undefined, spec: Document): Predicate {
  const textIndex = coll ? [...coll.indexes.values()].find((i) => i.kind === 'text') : undefined;
  if (!textIndex) throw new CommandError('IndexNotFound', 'text index required for $text query');
  if (typeof spec?.$search !== 'string') throw new CommandError('BadValue', '$search needs a String');
  const caseSensitive = spec.$caseSensitive === true;
  const norm = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const phrases: string[] = [];
  const terms: string[] = [];
  const negated: string[] = [];
  for (const m of spec.$search.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (m[1] !== undefined) {
      if (m[1].trim()) phrases.push(norm(m[1]));
    } else if (m[2].startsWith('-') && m[2].length > 1) negated.push(norm(m[2].slice(1)));
    else terms.push(norm(m[2]));
  }
  const weights = (textIndex.spec.weights as Document | undefined) ?? {};
  const fields = textIndex.fields.filter((f) => (textIndex.spec.key as Document)[f] === 'text');
  const allFields = fields.includes('$**') || Object.keys(weights).includes('$**');
  const indexed = [...new Set([...fields.filter((f) => f !== '_fts' && f !== '_ftsx' && f !== '$**'), ...Object.keys(weights).filter((f) => f !== '$**')])];
  return (doc) => {
    const parts: string[] = [];
    if (allFields) collectStrings(doc, parts);
    else for (const f of indexed) collectStrings(getDotted(doc, f), parts);
    const hay = norm(parts.join('\n'));
    if (negated.some((t) => hay.includes(t))) return false;
    if (!phrases.every((p) => hay.includes(p))) return false;
    return terms.length === 0 ? phrases.length > 0 : terms.some((t) => hay.includes(t));
  };
}

function getDotted(doc: unknown, path: string): unknown {
  let cur: unknown[] = [doc];
  for (const p of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (Array.isArray(c)) for (const e of c) next.push((e as Document)?.[p]);
      else if (c && typeof c === 'object') next.push((c as Document)[p]);
    }
    cur = next;
  }
  return cur;
}

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const e of v) collectStrings(e, out);
  else if (v && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === undefined && !(v instanceof Date)) for (const e of Object.values(v)) collectStrings(e, out);
}
