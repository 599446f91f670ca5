/**
 * Expands `$[]` and `$[id]` in update paths to the concrete array indexes they select in the document
 * as it was before the update (mongod evaluates arrayFilters against the original document), so several
 * paths under one filtered or all-positional operator update the same elements — mingo refuses those as
 * a conflict — and each arrayFilter identifier is checked as mongod does.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject } from '../bson-values';
import { mongoQuery } from './mongo-query';

const FILTERED = /\$\[([a-z][a-zA-Z0-9]*)?\]/;

export function hasArrayFilterPaths(modifier: Document): boolean {
  return Object.values(modifier).some((args) => isPlainObject(args) && Object.keys(args).some((p) => FILTERED.test(p)));
}

function filtersById(arrayFilters: Document[] | undefined): Map<string, Document> {
  const byId = new Map<string, Document>();
  for (const f of arrayFilters ?? []) {
    if (!isPlainObject(f) || Object.keys(f).length === 0) throw new CommandError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    const ids = new Set(Object.keys(f).filter((k) => !k.startsWith('$')).map((k) => k.split('.')[0]));
    if (ids.size !== 1) throw new CommandError('FailedToParse', 'Error parsing array filter :: caused by :: Expected a single top-level field name, found ' + [...ids].join(' and '));
    const id = [...ids][0];
    if (byId.has(id)) throw new CommandError('FailedToParse', `Found multiple array filters with the same top-level field name ${id}`);
    byId.set(id, f);
  }
  return byId;
}

export function expandArrayFilters(doc: Document, modifier: Document, arrayFilters: Document[] | undefined): Document {
  const byId = filtersById(arrayFilters);
  const queries = new Map<string, ReturnType<typeof mongoQuery>>();
  const used = new Set<string>();
  const matches = (id: string, element: unknown) => {
    let q = queries.get(id);
    if (!q) queries.set(id, (q = mongoQuery(byId.get(id)!)));
    return q.test({ [id]: element });
  };
  const out: Document = {};
  for (const [op, args] of Object.entries(modifier)) {
    const expanded: Document = {};
    for (const [path, value] of Object.entries(args as Document)) {
      if (!FILTERED.test(path)) {
        expanded[path] = value;
        continue;
      }
      for (const [, id] of path.matchAll(/\$\[([a-z][a-zA-Z0-9]*)\]/g)) {
        if (!byId.has(id)) throw new CommandError('BadValue', `No array filter found for identifier '${id}' in path '${path}'`);
        used.add(id);
      }
      for (const concrete of expandPath(doc, path.split('.'), 0, [], (id) => (e) => matches(id, e))) expanded[concrete] = value;
    }
    out[op] = expanded;
  }
  for (const id of byId.keys()) if (!used.has(id)) throw new CommandError('FailedToParse', `The array filter for identifier '${id}' was not used in the update ${JSON.stringify(modifier)}`);
  return out;
}

function expandPath(cur: unknown, parts: string[], i: number, prefix: string[], filterFor: (id: string) => (e: unknown) => boolean): string[] {
  if (i === parts.length) return [prefix.join('.')];
  const m = /^\$\[([a-z][a-zA-Z0-9]*)?\]$/.exec(parts[i]);
  if (!m) {
    const next = isPlainObject(cur) || Array.isArray(cur) ? (cur as Document)[parts[i]] : undefined;
    return expandPath(next, parts, i + 1, [...prefix, parts[i]], filterFor);
  }
  if (!Array.isArray(cur)) {
    throw new CommandError('BadValue', `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
  }
  const test = m[1] ? filterFor(m[1]) : () => true;
  const out: string[] = [];
  cur.forEach((e, idx) => {
    if (test(e)) out.push(...expandPath(e, parts, i + 1, [...prefix, String(idx)], filterFor));
  });
  return out;
}
