/**
 * The `$geoNear` aggregation stage: the documents matching `query`, nearest first, each with its distance
 * in `distanceField` (meters for a GeoJSON `near`; radians for a legacy pair with `spherical`, else
 * coordinate units), limited by `minDistance`/`maxDistance`. Read nearest first through a 2dsphere index on the
 * key (query/geo-plan.ts) — stopping after `top` documents — or, with a 2d index only, over a scan.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { deepClone, isPlainObject, setPath } from '../bson-values';
import type { Collection } from '../storage/collection';
import { docPoints, nearDistance, parseNear, type NearSpec } from '../query/geo';
import { pathCandidates } from '../query/mongo-query';
import { collatorFor } from '../query/collation';
import { geoIndexFor, nearRecords } from '../query/geo-plan';
import { compileFilter } from '../query/matcher';
import { filterEqualities } from '../query/planner';
import { runQuery } from '../query/run-query';
import { selectTop } from '../query/sort';

const KNOWN = new Set(['near', 'distanceField', 'spherical', 'maxDistance', 'minDistance', 'query', 'distanceMultiplier', 'includeLocs', 'key', 'uniqueDocs', 'num', 'limit']);

function geoKey(coll: Collection | undefined, key: unknown): string {
  const geo = [...(coll?.indexes.values() ?? [])].flatMap((i) => Object.entries(i.spec.key as Document).filter(([, t]) => t === '2dsphere' || t === '2d').map(([f]) => f));
  if (typeof key === 'string') {
    if (!geo.includes(key)) throw new CommandError('NoQueryExecutionPlans', `$geoNear requires a 2d or 2dsphere index on '${key}', but none were found`);
    return key;
  }
  if (geo.length === 0) throw new CommandError('NoQueryExecutionPlans', '$geoNear requires a 2d or 2dsphere index, but none were found');
  if (geo.length > 1) throw new CommandError('IndexNotFound', `There is more than one 2dsphere index on ${coll?.ns}; unsure which to use for $geoNear`);
  return geo[0];
}

export interface GeoNearRun {
  docs: Document[];
  stage: 'GEO_NEAR_2DSPHERE' | 'GEO_NEAR_2D' | 'COLLSCAN';
  index?: string;
  docsExamined: number;
}

/** `top`: the pipeline keeps only that many (a `$limit` right after), so only those are sorted and copied. */
export function geoNearDocuments(coll: Collection | undefined, spec: unknown, collation?: Document, top?: number): Document[] {
  return runGeoNear(coll, spec, collation, top).docs;
}

export function runGeoNear(coll: Collection | undefined, spec: unknown, collation?: Document, top?: number): GeoNearRun {
  if (!isPlainObject(spec)) throw new CommandError('BadValue', '$geoNear only takes an object as an argument');
  for (const k of Object.keys(spec)) if (!KNOWN.has(k)) throw new CommandError('BadValue', `Unknown argument to $geoNear: ${k}`);
  if (spec.near === undefined) throw new CommandError('BadValue', "$geoNear requires a 'near' option as an Array");
  if (typeof spec.distanceField !== 'string' || !spec.distanceField) throw new CommandError('BadValue', "$geoNear requires a 'distanceField' option as a String");
  const path = geoKey(coll, spec.key);
  const near = parseNear(spec.near, spec.spherical === true, { $maxDistance: spec.maxDistance, $minDistance: spec.minDistance });
  const multiplier = spec.distanceMultiplier === undefined ? 1 : Number(spec.distanceMultiplier);
  const query = isPlainObject(spec.query) ? spec.query : {};
  const located = (withDistance: { doc: Document; d: number; loc: unknown }[]) =>
    withDistance.map(({ doc, d, loc }) => {
      const out = deepClone(doc);
      setPath(out, spec.distanceField as string, d * multiplier);
      if (typeof spec.includeLocs === 'string') setPath(out, spec.includeLocs, deepClone(loc));
      return out;
    });
  const effectiveCollation = collation ?? (coll?.options.collation as Document | undefined);
  const index = coll && geoIndexFor(coll, path, collatorFor(effectiveCollation) ? new Map() : filterEqualities(query), near.planar);
  if (coll && index) {
    const { test } = compileFilter(coll, query, effectiveCollation);
    const stats = { examined: 0 };
    const found: { doc: Document; d: number; loc: unknown }[] = [];
    for (const { rec } of nearRecords(coll, index, path, near, stats)) {
      const best = test(rec.doc) ? nearestOf(rec.doc, path, near) : undefined;
      if (best) found.push({ doc: rec.doc, ...best });
      if (top !== undefined && found.length >= top) break;
    }
    return { docs: located(found), stage: index.flat ? 'GEO_NEAR_2D' : 'GEO_NEAR_2DSPHERE', index: index.index.name, docsExamined: stats.examined };
  }
  const matched = runQuery(coll, { filter: query, collation }).records;
  const withDistance: { doc: Document; d: number; loc: unknown }[] = [];
  for (const rec of matched) {
    const best = nearestOf(rec.doc, path, near);
    if (best) withDistance.push({ doc: rec.doc, ...best });
  }
  const order = (a: { d: number }, b: { d: number }) => a.d - b.d;
  const nearest = top !== undefined && top < withDistance.length / 4 ? selectTop(withDistance, top, order) : withDistance.sort(order);
  return { docs: located(nearest), stage: 'COLLSCAN', docsExamined: matched.length };
}

/** The document's distance and the value under `path` holding its nearest point (includeLocs), within the bounds. */
function nearestOf(doc: Document, path: string, near: NearSpec): { d: number; loc: unknown } | undefined {
  let best: { d: number; loc: unknown } | undefined;
  for (const value of pathCandidates(doc, path)) {
    const d = nearDistance(near, docPoints(value));
    if (d !== undefined && (!best || d < best.d)) best = { d, loc: value };
  }
  return best;
}
