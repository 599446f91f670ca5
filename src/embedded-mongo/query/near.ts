/** `$near` / `$nearSphere` in find: mongod requires a geo index on the field and returns results nearest first. */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject } from '../bson-values';
import type { Collection } from '../storage/collection';
import { docPoints, nearDistance, type NearSpec } from './geo';
import { foldGeoSiblings, nearSpecOf, pathCandidates } from './mongo-query';
import { selectTop } from './sort';

export interface NearCondition {
  path: string;
  spec: NearSpec;
}

/** The filter's `$near`/`$nearSphere` condition (top level or inside `$and`), if any. */
export function findNear(filter: Document | undefined): NearCondition | undefined {
  if (!filter) return undefined;
  const folded = foldGeoSiblings(filter);
  for (const [k, v] of Object.entries(folded)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) {
        const n = isPlainObject(sub) ? findNear(sub) : undefined;
        if (n) return n;
      }
    } else if (!k.startsWith('$') && isPlainObject(v)) {
      if (v.$near !== undefined) return { path: k, spec: nearSpecOf(v.$near, false) };
      if (v.$nearSphere !== undefined) return { path: k, spec: nearSpecOf(v.$nearSphere, true) };
    }
  }
  return undefined;
}

/** Geo index types that can answer a near query on `path`. */
export function geoIndexOn(coll: Collection | undefined, path: string): boolean {
  for (const idx of coll?.indexes.values() ?? []) {
    const t = (idx.spec.key as Document)[path];
    if (t === '2dsphere' || t === '2d') return true;
  }
  return false;
}

export function checkNearIndex(coll: Collection | undefined, filter: Document): void {
  const near = findNear(filter);
  if (near && !geoIndexOn(coll, near.path)) {
    throw new CommandError('NoQueryExecutionPlans', `error processing query: ns=${coll?.ns ?? ''} planner returned error :: caused by :: unable to find index for $geoNear query`);
  }
}

/** Items ordered by distance from the near centre (nearest first); only the first `top` when given. */
export function sortByDistance<T>(items: T[], near: NearCondition, docOf: (t: T) => Document, top?: number): T[] {
  const keyed = items.map((item) => ({ item, d: nearDistance(near.spec, pathCandidates(docOf(item), near.path).flatMap(docPoints)) ?? Infinity }));
  const order = (a: { d: number }, b: { d: number }) => a.d - b.d;
  if (top !== undefined && top < keyed.length / 4) return selectTop(keyed, top, order).map((k) => k.item);
  keyed.sort(order);
  return keyed.map((k) => k.item);
}
