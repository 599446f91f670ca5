/**
 * find / findAndModify projections with mongod's semantics: inclusion or exclusion (never both, `_id`
 * aside), fields in the document's order with `_id` first, paths through arrays of documents, `$slice`
 * (which alone keeps every other field), `$elemMatch` (operator-only conditions on scalars too; the field
 * comes after the included ones, as mongod 4.4+), positional `field.$`, `$meta` (textScore) dropped.
 * Projections with computed fields (aggregation expressions) are evaluated by mingo.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { deepClone, isPlainObject, toNumber, typeRank } from '../bson-values';
import { mongoQuery } from '../query/mongo-query';
import { matchedIndex } from '../query/positional';

type Tree = { [k: string]: Tree | true };

interface Compiled {
  mode: 'include' | 'exclude';
  tree: Tree;
  idExcluded: boolean;
  slices: [string, number, number | undefined][];
  elemMatches: [string, Document][];
  positional?: string;
}

const isSpecialOp = (v: unknown, op: string) => isPlainObject(v) && Object.keys(v).length === 1 && op in v;

function addPath(tree: Tree, path: string): void {
  const parts = path.split('.');
  let cur = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === true) return; // a parent already covers it
    cur = (cur[parts[i]] ??= {}) as Tree;
  }
  cur[parts[parts.length - 1]] = true;
}

function truthy(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeRank(v) === 2) return toNumber(v) !== 0;
  return undefined;
}

function parseSlice(path: string, arg: unknown): [string, number, number | undefined] {
  if (typeRank(arg) === 2) return [path, toNumber(arg), undefined];
  if (Array.isArray(arg) && arg.length === 2 && typeRank(arg[0]) === 2 && typeRank(arg[1]) === 2) {
    const limit = toNumber(arg[1]);
    if (limit <= 0) throw new CommandError('Location31253', `$slice limit must be positive, got ${limit}`);
    return [path, toNumber(arg[0]), limit];
  }
  throw new CommandError('FailedToParse', `Argument to $slice must be a number or an array of two numbers, got ${JSON.stringify(arg)}`);
}

/** undefined when mingo must evaluate it (computed fields). */
function compile(spec: Document): Compiled | undefined {
  const c: Compiled = { mode: 'exclude', tree: {}, idExcluded: false, slices: [], elemMatches: [] };
  let included: string | undefined, excluded: string | undefined;
  for (const [path, v] of Object.entries(spec)) {
    if (isSpecialOp(v, '$slice')) c.slices.push(parseSlice(path, (v as Document).$slice));
    else if (isSpecialOp(v, '$elemMatch')) {
      c.elemMatches.push([path, (v as Document).$elemMatch as Document]);
      included ??= path;
    } else if (path.endsWith('.$')) {
      c.positional = path.slice(0, -2);
      included ??= path;
    } else {
      const t = truthy(v);
      if (t === undefined) return undefined;
      if (path === '_id') {
        c.idExcluded = !t;
        continue;
      }
      if (t) included ??= path;
      else excluded ??= path;
      if (t) addPath(c.tree, path);
    }
  }
  if (included !== undefined && excluded !== undefined) {
    throw new CommandError('Location31254', `Cannot do exclusion on field ${excluded} in inclusion projection`);
  }
  // `{ _id: 1 }` alone is an inclusion of just `_id`
  const onlyId = included === undefined && excluded === undefined && c.slices.length === 0 && truthy(spec._id) === true;
  if (included !== undefined || onlyId) c.mode = 'include';
  if (c.mode === 'exclude') {
    for (const [path, v] of Object.entries(spec)) if (path !== '_id' && truthy(v) === false) addPath(c.tree, path);
  }
  return c;
}

function include(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) return v.filter((e) => isPlainObject(e) || Array.isArray(e)).map((e) => include(e, tree));
  if (!isPlainObject(v)) return undefined;
  const out: Document = {};
  for (const [k, val] of Object.entries(v)) {
    const t = tree[k];
    if (t === undefined) continue;
    if (t === true) out[k] = val;
    else {
      const sub = include(val, t);
      if (sub !== undefined) out[k] = sub;
    }
  }
  return out;
}

function exclude(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) return v.map((e) => (isPlainObject(e) || Array.isArray(e) ? exclude(e, tree) : e));
  if (!isPlainObject(v)) return v;
  const out: Document = {};
  for (const [k, val] of Object.entries(v)) {
    const t = tree[k];
    if (t === true) continue;
    out[k] = t === undefined ? val : exclude(val, t);
  }
  return out;
}

function sliceArray(a: unknown[], n: number, limit: number | undefined): unknown[] {
  if (limit === undefined) return n >= 0 ? a.slice(0, n) : a.slice(Math.max(0, a.length + n));
  const start = n >= 0 ? n : Math.max(0, a.length + n);
  return a.slice(start, start + limit);
}

/** Applies `fn` to the value(s) at `path` in `out` (a projected copy), descending through arrays of documents. */
function mapPath(out: unknown, parts: string[], fn: (v: unknown) => unknown): void {
  if (Array.isArray(out)) {
    for (const e of out) mapPath(e, parts, fn);
    return;
  }
  if (!isPlainObject(out) || !(parts[0] in out)) return;
  if (parts.length === 1) out[parts[0]] = fn(out[parts[0]]);
  else mapPath(out[parts[0]], parts.slice(1), fn);
}

function getIn(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
}

function setIn(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Document = doc;
  for (let i = 0; i < parts.length - 1; i++) cur = (isPlainObject(cur[parts[i]]) ? cur[parts[i]] : (cur[parts[i]] = {})) as Document;
  cur[parts[parts.length - 1]] = value;
}

function projectDoc(doc: Document, c: Compiled, filter: Document, elemMatchers: [string, ReturnType<typeof mongoQuery>][]): Document {
  let out: Document;
  if (c.mode === 'include') {
    const tree: Tree = { ...c.tree };
    for (const [path] of c.slices) addPath(tree, path);
    if (c.positional) addPath(tree, c.positional);
    out = include(doc, tree) as Document;
    if (!c.idExcluded && doc._id !== undefined) out = { _id: doc._id, ...out };
  } else {
    out = exclude(doc, c.tree) as Document;
  }
  if (c.idExcluded) delete out._id;
  for (const [path, n, limit] of c.slices) mapPath(out, path.split('.'), (v) => (Array.isArray(v) ? sliceArray(v, n, limit) : v));
  if (c.positional) {
    const arr = getIn(doc, c.positional);
    const i = Array.isArray(arr) ? matchedIndex(doc, c.positional, filter) : undefined;
    if (i === undefined) throw new CommandError('BadValue', "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array");
    setIn(out, c.positional, [(arr as unknown[])[i]]);
  }
  for (const [path, q] of elemMatchers) {
    const arr = doc[path];
    if (!Array.isArray(arr)) continue;
    const hit = arr.find((e) => q.test({ x: [e] }));
    if (hit !== undefined) out[path] = [hit];
  }
  return out;
}

export function compileProjection(projection: Document | undefined, filter: Document): ((docs: Document[]) => Document[]) | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const spec: Document = {};
  for (const [k, v] of Object.entries(projection)) {
    if (v && typeof v === 'object' && '$meta' in (v as Document)) continue;
    spec[k] = v;
  }
  if (Object.keys(spec).length === 0) return undefined;
  const c = compile(spec);
  if (!c) {
    const q = mongoQuery(Object.keys(spec).some((k) => k.endsWith('.$')) ? filter : {});
    // mingo may change shared sub-documents in place: project a copy
    return (docs) => q.find(docs.map(deepClone), spec).all() as Document[];
  }
  const elemMatchers = c.elemMatches.map(([path, cond]): [string, ReturnType<typeof mongoQuery>] => [path, mongoQuery({ x: { $elemMatch: cond } })]);
  return (docs) => docs.map((d) => projectDoc(d, c, filter, elemMatchers));
}

export function projectOne(doc: Document, projection: Document | undefined, filter: Document): Document {
  const p = compileProjection(projection, filter);
  return p ? p([doc])[0] : doc;
}
