/**
 * Geo queries through a `2dsphere` index (cell keys, indexes/geo-cells.ts): `$geoWithin` scans the key ranges
 * of the shape's covering (so does `$geoIntersects`); `$near`/`$nearSphere`/`$geoNear` scan growing caps around the centre (each round
 * only the ranges not read before) and hand documents out nearest first once no unread cell can hold a nearer
 * one. Candidates are a superset: the caller re-applies the whole filter, and distances are computed exactly.
 */
import type { Document } from 'bson';
import { isOperatorObject, isPlainObject } from '../bson-values';
import type { CollectionIndex, IndexEntry } from '../indexes/collection-index';
import { coverRanges, subtractRanges, unionRanges, type CellRange, type GeoRegion } from '../indexes/geo-cells';
import { flatCoverRanges, type FlatBox } from '../indexes/flat-cells';
import type { Collection, DocRecord } from '../storage/collection';
import { docPoints, flatBoxOf, nearDistance, parsePoint, withinRegion, type NearSpec } from './geo';
import { MinHeap } from './min-heap';
import { pathCandidates } from './mongo-query';

/** A 2dsphere (or, for planar queries, 2d) index on the path and the equality values of the fields before its geo field. */
export interface GeoIndexChoice {
  index: CollectionIndex;
  prefix: unknown[];
  /** A 2d index: keys are Z-order cells over its bounds (flat-cells.ts). */
  flat: boolean;
}

/**
 * A usable geo index on `path`: not partial or hidden, every field before the geo field fixed by an equality of
 * the filter (`equalities`, already collation-free values) — the fields after it are re-checked. A 2dsphere index
 * first; a 2d index only for a `planar` query (legacy pairs measured in coordinate units: `$near`, `$box`,
 * `$center`, `$polygon`), whose plane it orders.
 */
export function geoIndexFor(coll: Collection, path: string, equalities: Map<string, unknown>, planar = false): GeoIndexChoice | undefined {
  for (const flat of planar ? [false, true] : [false]) {
    for (const index of coll.indexes.values()) {
      const field = flat ? index.flatField : index.geoField;
      if (field < 0 || index.fields[field] !== path || index.partial || index.spec.hidden === true) continue;
      const before = index.fields.slice(0, field);
      if (!before.every((f) => equalities.has(f))) continue;
      if (index.spec.collation && before.some((f) => typeof equalities.get(f) === 'string')) continue;
      return { index, prefix: before.map((f) => equalities.get(f)), flat };
    }
  }
  return undefined;
}

function* scanRanges(choice: GeoIndexChoice, ranges: CellRange[]): Generator<IndexEntry> {
  for (const [lo, hi] of ranges) yield* choice.index.scan({ key: [...choice.prefix, lo], inclusive: true }, { key: [...choice.prefix, hi], inclusive: true });
}

/**
 * A geo condition an index can answer, found at top level or in `$and`: `$geoWithin` (or `$within`) with a shape
 * an index can cover, or `$geoIntersects` with a Point or (Multi)Polygon. `pointsOnly`: the index gives every
 * match only when each document is a single point (a `$geoIntersects` Point also matches a stored polygon around
 * it, and a polygon is keyed by its vertices, which need not be near the point).
 */
export interface GeoCondition {
  path: string;
  region: GeoRegion;
  pointsOnly: boolean;
  /** The planar shape's box in its own coordinates (`$box`, `$polygon`, `$center`): what a 2d index scans. */
  flatBox?: FlatBox;
}

/** About 6 mm: a cap this wide around a point holds the point's own S2 leaf cell. */
const POINT_CAP = 1e-9;

export function findWithin(filter: Document): GeoCondition | undefined {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) {
        const w = isPlainObject(sub) ? findWithin(sub) : undefined;
        if (w) return w;
      }
    } else if (!k.startsWith('$') && isOperatorObject(v)) {
      const shape = v.$geoWithin ?? v.$within;
      const region = shape === undefined ? undefined : withinRegion(shape);
      if (region) return { path: k, region, pointsOnly: false, flatBox: flatBoxOf(shape) };
      const intersects = v.$geoIntersects;
      if (isPlainObject(intersects) && isPlainObject(intersects.$geometry)) {
        // The engine's $geoIntersects tests stored points (a line's or polygon's vertices) against a polygon: the
        // vertices' keys hold every match. Against a Point, only stored points can be found by their keys.
        const point = parsePoint(intersects.$geometry);
        if (point) return { path: k, region: { kind: 'cap', centre: point, angle: POINT_CAP }, pointsOnly: true };
        const polygon = withinRegion({ $geometry: intersects.$geometry });
        if (polygon) return { path: k, region: polygon, pointsOnly: false };
      }
    }
  }
  return undefined;
}

/** Records whose indexed points fall in the condition's covering (each once); a 2d index scans the flat box. */
export function* withinRecords(coll: Collection, choice: GeoIndexChoice, cond: GeoCondition): Generator<DocRecord> {
  const seen = new Set<string>();
  const ranges = choice.flat ? flatCoverRanges(cond.flatBox!, ...choice.index.flatBounds) : coverRanges(cond.region);
  for (const e of scanRanges(choice, ranges)) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const rec = coll.records.get(e.id);
    if (rec) yield rec;
  }
}

/**
 * Documents with a point under `path` within [min, max] of the centre, nearest first, read from the index in
 * caps doubling from ~100 m; `stats.examined` counts the documents read.
 */
export function* nearRecords(coll: Collection, choice: GeoIndexChoice, path: string, spec: NearSpec, stats: { examined: number }): Generator<{ rec: DocRecord; d: number }> {
  const seen = new Set<string>();
  const heap = new MinHeap<{ rec: DocRecord; d: number }>((a, b) => a.d - b.d);
  const max = spec.max ?? Infinity;
  let done: CellRange[] = [];
  const [lo, hi] = choice.index.flatBounds;
  const [x, y] = spec.point;
  for (let r = Math.max(spec.startRadius, spec.min ?? 0); ; ) {
    const radius = Math.min(r, max);
    const whole = choice.flat ? x - radius <= lo && y - radius <= lo && x + radius >= hi && y + radius >= hi : radius >= spec.wholeRadius;
    const cover = choice.flat ? flatCoverRanges({ xLo: x - radius, yLo: y - radius, xHi: x + radius, yHi: y + radius }, lo, hi) : coverRanges(whole ? { kind: 'all' } : spec.regionWithin(radius));
    const ranges = subtractRanges(cover, done);
    done = unionRanges(done, ranges);
    for (const e of scanRanges(choice, ranges)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const rec = coll.records.get(e.id);
      if (!rec) continue;
      stats.examined++;
      const d = nearDistance(spec, pathCandidates(rec.doc, path).flatMap(docPoints));
      if (d !== undefined) heap.push({ rec, d });
    }
    const final = whole || radius >= max;
    while (heap.size > 0 && (final || heap.peek().d <= radius)) yield heap.pop();
    if (final) return;
    // double the cap, or go straight to the nearest document found so far (nothing is handed out before that)
    r = Math.max(2 * r, heap.size > 0 ? heap.peek().d : 0);
  }
}
