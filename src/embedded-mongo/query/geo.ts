/**
 * Geospatial matching by computation (no geo index structure yet: candidates are scanned and each
 * distance computed — fine for thousands of liaison stations, noted in the README).
 * Points are GeoJSON `{ type: 'Point', coordinates: [lng, lat] }` or legacy pairs `[x, y]` / `{ x, y }`.
 * Distances on the sphere use MongoDB's earth radius (6378.1 km): meters for GeoJSON, radians for
 * legacy `$nearSphere`/`$centerSphere`, plain coordinate units for legacy `$near`/`$center`.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { formatValue, isPlainObject, toNumber, typeRank } from '../bson-values';
import type { GeoRegion } from '../indexes/geo-cells';

export const EARTH_RADIUS_M = 6378100;
type Pt = [number, number];

const num = (v: unknown): number | undefined => (typeRank(v) === 2 ? toNumber(v) : undefined);

/** A point from GeoJSON or a legacy pair; undefined if the value is not one. */
export function parsePoint(v: unknown): Pt | undefined {
  if (Array.isArray(v)) {
    const x = num(v[0]), y = num(v[1]);
    return v.length >= 2 && x !== undefined && y !== undefined ? [x, y] : undefined;
  }
  if (!isPlainObject(v)) return undefined;
  if (v.type === 'Point') return Array.isArray(v.coordinates) ? parsePoint(v.coordinates) : undefined;
  if ('type' in v) return undefined;
  const vals = Object.values(v);
  const x = num(vals[0]), y = num(vals[1]);
  return vals.length >= 2 && x !== undefined && y !== undefined ? [x, y] : undefined;
}

const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle angle between two lng/lat points, in radians. */
export function sphereAngle(a: Pt, b: Pt): number {
  const dLat = rad(b[1] - a[1]), dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const flat = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Ray casting over one ring (lng/lat treated as planar: edges are not geodesics — close enough for city-sized shapes). */
function inRing(p: Pt, ring: unknown[]): boolean {
  let inside = false;
  const pts = ring.map(parsePoint).filter((x): x is Pt => !!x);
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i], [xj, yj] = pts[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(p: Pt, rings: unknown[]): boolean {
  if (!Array.isArray(rings[0]) || !inRing(p, rings[0] as unknown[])) return false;
  return !rings.slice(1).some((hole) => Array.isArray(hole) && inRing(p, hole));
}

/** The points a document value stands for: one point, a GeoJSON geometry's vertices, or an array of points. */
export function docPoints(v: unknown): Pt[] {
  const p = parsePoint(v);
  if (p) return [p];
  if (isPlainObject(v) && typeof v.type === 'string' && Array.isArray(v.coordinates)) {
    const out: Pt[] = [];
    const walk = (c: unknown) => {
      const q = parsePoint(c);
      if (q && !Array.isArray((c as unknown[])[0])) out.push(q);
      else if (Array.isArray(c)) c.forEach(walk);
    };
    walk(v.coordinates);
    return out;
  }
  if (Array.isArray(v)) return v.flatMap((e): Pt[] => { const q = parsePoint(e); return q ? [q] : []; });
  return [];
}

/** Legacy shapes ($box, $polygon, $center) are planar and match legacy coordinate pairs only, as in mongod. */
export function isPlanarShape(shape: unknown): boolean {
  return isPlainObject(shape) && (shape.$box !== undefined || shape.$polygon !== undefined || shape.$center !== undefined);
}

export function isGeoJson(v: unknown): boolean {
  return isPlainObject(v) && typeof v.type === 'string';
}

/** Predicate for a `$geoWithin` shape (every point of the value must lie inside). */
export function withinPredicate(shape: unknown): (p: Pt) => boolean {
  if (!isPlainObject(shape)) throw new CommandError('BadValue', '$geoWithin not a shape');
  if (shape.$geometry !== undefined) {
    const g = shape.$geometry as Document;
    if (g?.type === 'Polygon' && Array.isArray(g.coordinates)) return (p) => inPolygon(p, g.coordinates as unknown[]);
    if (g?.type === 'MultiPolygon' && Array.isArray(g.coordinates)) return (p) => (g.coordinates as unknown[][]).some((poly) => inPolygon(p, poly));
    throw new CommandError('BadValue', `$geoWithin not supported with provided geometry: ${formatValue(g)}`);
  }
  if (Array.isArray(shape.$box)) {
    const [a, b] = (shape.$box as unknown[]).map(parsePoint);
    if (!a || !b) throw new CommandError('BadValue', 'Point must be an array or object');
    return (p) => p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
  }
  if (Array.isArray(shape.$polygon)) return (p) => inRing(p, shape.$polygon as unknown[]);
  for (const op of ['$center', '$centerSphere'] as const) {
    if (Array.isArray(shape[op])) {
      const [c, r] = shape[op] as unknown[];
      const centre = parsePoint(c), radius = num(r);
      if (!centre || radius === undefined || radius < 0) throw new CommandError('BadValue', `${op} must be an array of a center point and a radius`);
      return op === '$center' ? (p) => flat(p, centre) <= radius : (p) => sphereAngle(p, centre) <= radius;
    }
  }
  throw new CommandError('BadValue', `unknown geo specifier: ${formatValue(shape)}`);
}

/** Predicate for `$geoIntersects` with a Point or (Multi)Polygon: a point value intersects when equal / inside. */
export function intersectsPredicate(spec: unknown): (pts: Pt[], value: unknown) => boolean {
  const g = isPlainObject(spec) ? (spec.$geometry as Document | undefined) : undefined;
  if (!g) throw new CommandError('BadValue', '$geoIntersects requires a $geometry');
  const point = parsePoint(g);
  if (point) {
    return (pts, value) => {
      const v = value as Document;
      if (isPlainObject(v) && v.type === 'Polygon' && Array.isArray(v.coordinates)) return inPolygon(point, v.coordinates as unknown[]);
      return pts.some((p) => p[0] === point[0] && p[1] === point[1]);
    };
  }
  const within = withinPredicate({ $geometry: g });
  return (pts) => pts.some(within);
}

export interface NearSpec {
  point: Pt;
  /** distance of a point from the centre, in the query's units */
  distance(p: Pt): number;
  /** A region holding every point within `d` (query units) of the centre, for a geo index to scan. */
  regionWithin(d: number): GeoRegion;
  /** The smallest distance worth searching first, in query units (about 100 m). */
  startRadius: number;
  /** From this distance on, the region is the whole sphere. */
  wholeRadius: number;
  /** Legacy pair measured in coordinate units (not GeoJSON, not spherical): a 2d index's plane serves it. */
  planar: boolean;
  min?: number;
  max?: number;
}

/** The box [x ± d] × [y ± d] in degrees (planar legacy shapes), clamped to the sphere. */
function planarBox([x, y]: Pt, d: number): GeoRegion {
  return { kind: 'rect', lngLo: x - d, lngHi: x + d, latLo: Math.max(-90, y - d), latHi: Math.min(90, y + d) };
}

function boxOf(pts: Pt[]): GeoRegion {
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  return { kind: 'rect', lngLo: Math.min(...xs), lngHi: Math.max(...xs), latLo: Math.max(-90, Math.min(...ys)), latHi: Math.min(90, Math.max(...ys)) };
}

/** The box (unclamped, in the shape's own coordinates) holding a planar `$box`/`$polygon`/`$center` shape: what a 2d index scans. */
export function flatBoxOf(shape: unknown): { xLo: number; yLo: number; xHi: number; yHi: number } | undefined {
  if (!isPlainObject(shape)) return undefined;
  for (const op of ['$box', '$polygon'] as const) {
    if (Array.isArray(shape[op])) {
      const pts = (shape[op] as unknown[]).map(parsePoint);
      if (!pts.length || !pts.every(Boolean)) return undefined;
      const xs = (pts as Pt[]).map((p) => p[0]), ys = (pts as Pt[]).map((p) => p[1]);
      return { xLo: Math.min(...xs), yLo: Math.min(...ys), xHi: Math.max(...xs), yHi: Math.max(...ys) };
    }
  }
  if (Array.isArray(shape.$center)) {
    const [c, r] = shape.$center as unknown[];
    const centre = parsePoint(c), radius = num(r);
    if (!centre || radius === undefined) return undefined;
    return { xLo: centre[0] - radius, yLo: centre[1] - radius, xHi: centre[0] + radius, yHi: centre[1] + radius };
  }
  return undefined;
}

/** A region holding every point a `$geoWithin` shape can match (the shape's bounding cap or box). */
export function withinRegion(shape: unknown): GeoRegion | undefined {
  if (!isPlainObject(shape)) return undefined;
  if (shape.$geometry !== undefined) {
    const g = shape.$geometry as Document;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return undefined;
    const pts = docPoints(g);
    return pts.length ? boxOf(pts) : undefined;
  }
  for (const op of ['$box', '$polygon'] as const) {
    if (Array.isArray(shape[op])) {
      const pts = (shape[op] as unknown[]).map(parsePoint);
      return pts.length && pts.every(Boolean) ? boxOf(pts as Pt[]) : undefined;
    }
  }
  for (const op of ['$center', '$centerSphere'] as const) {
    if (Array.isArray(shape[op])) {
      const [c, r] = shape[op] as unknown[];
      const centre = parsePoint(c), radius = num(r);
      if (!centre || radius === undefined) return undefined;
      return op === '$center' ? planarBox(centre, radius) : { kind: 'cap', centre, angle: radius };
    }
  }
  return undefined;
}

/**
 * A `$near`/`$nearSphere` (or `$geoNear` `near`) argument. GeoJSON centres measure meters; legacy pairs measure
 * radians when spherical, coordinate units otherwise. `siblings` carries legacy `$maxDistance`/`$minDistance`.
 */
export function parseNear(arg: unknown, spherical: boolean, siblings: Document = {}): NearSpec {
  let centre: unknown = arg;
  let bounds: Document = siblings;
  if (isPlainObject(arg) && arg.$geometry !== undefined) {
    centre = arg.$geometry;
    bounds = { ...siblings, ...arg };
  }
  const point = parsePoint(centre);
  if (!point) throw new CommandError('BadValue', `invalid point in geo near query $geometry argument: ${formatValue(centre)}`);
  const geoJson = isPlainObject(centre) && centre.type === 'Point';
  if (geoJson) checkBounds(point);
  const distance = geoJson ? (p: Pt) => sphereAngle(p, point) * EARTH_RADIUS_M : spherical ? (p: Pt) => sphereAngle(p, point) : (p: Pt) => flat(p, point);
  const min = num(bounds.$minDistance), max = num(bounds.$maxDistance);
  if ((min !== undefined && min < 0) || (max !== undefined && max < 0)) throw new CommandError('BadValue', '$minDistance / $maxDistance must be non-negative');
  const metersPerUnit = geoJson ? 1 : spherical ? EARTH_RADIUS_M : (EARTH_RADIUS_M * Math.PI) / 180;
  const regionWithin = (d: number): GeoRegion => (geoJson || spherical ? { kind: 'cap', centre: point, angle: geoJson ? d / EARTH_RADIUS_M : d } : planarBox(point, d));
  const wholeRadius = geoJson ? Math.PI * EARTH_RADIUS_M : spherical ? Math.PI : 540;
  return { point, distance, min, max, regionWithin, startRadius: 100 / metersPerUnit, wholeRadius, planar: !geoJson && !spherical };
}

function checkBounds([lng, lat]: Pt): void {
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) throw new CommandError('BadValue', `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`);
}

/** Closest distance from the centre to any of `pts`, or undefined when outside [min, max]. */
export function nearDistance(spec: NearSpec, pts: Pt[]): number | undefined {
  let best: number | undefined;
  for (const p of pts) {
    const d = spec.distance(p);
    if (best === undefined || d < best) best = d;
  }
  if (best === undefined) return undefined;
  if (spec.max !== undefined && best > spec.max) return undefined;
  if (spec.min !== undefined && best < spec.min) return undefined;
  return best;
}

/** Why a value cannot go into a 2dsphere index (undefined = fine), as mongod reports it (code 16755). */
export function geoKeyProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isPlainObject(v) && typeof v.type === 'string') {
    if (!Array.isArray(v.coordinates)) return `Point must only contain numeric elements`;
    const pts = docPoints(v);
    if (pts.length === 0) return `Point must only contain numeric elements`;
    for (const [lng, lat] of pts) if (lng < -180 || lng > 180 || lat < -90 || lat > 90) return `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`;
    return undefined;
  }
  const p = parsePoint(v);
  if (!p) return `Point must only contain numeric elements`;
  if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) return `longitude/latitude is out of bounds, lng: ${p[0]} lat: ${p[1]}`;
  return undefined;
}

/** Why a value cannot go into a 2d index (legacy pairs within the index's [min, max) bounds), as mongod reports it. */
export function legacyKeyProblem(v: unknown, min = -180, max = 180): { code: 'Location13026' | 'Location13027' | 'Location16804'; message: string } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') return { code: 'Location16804', message: 'location object expected, location array not in correct format' };
  const p = isGeoJson(v) ? undefined : parsePoint(v);
  if (!p) return { code: 'Location13026', message: "geo values must be 'legacy coordinate pairs' for 2d indexes" };
  if (p.some((c) => c < min || c >= max)) return { code: 'Location13027', message: `point not in interval of [ ${min}, ${max} )` };
  return undefined;
}
