/**
 * Cell keys of a `2dsphere` index, as mongod's: every point of a value becomes the S2 leaf cell that holds it
 * (nodes2ts, a port of Google's S2), written as 16 hex digits so that the key's byte order is the cell ids'
 * order, the order of S2's Hilbert curve. A cell at any level is then one contiguous key range
 * (rangeMin..rangeMax), so a region is scanned as the few ranges of its S2 covering.
 */
import { docPoints } from '../query/geo';
import { S1Angle, S2Cap, S2CellId, S2LatLng, S2LatLngRect, S2RegionCoverer, type S2Region } from 'nodes2ts';

type Pt = [number, number];

/** A region on the sphere whose covering is scanned: a cap (centre + angle in radians) or a longitude/latitude box. */
export type GeoRegion = { kind: 'cap'; centre: Pt; angle: number } | { kind: 'rect'; lngLo: number; latLo: number; lngHi: number; latHi: number } | { kind: 'all' };

export type CellRange = [string, string];

/** Keys are fixed-width hex (16 digits here; a 2d index's are 13): range arithmetic keeps the width it was given. */
const hex = (id: bigint, width = 16) => id.toString(16).padStart(width, '0');

export const WHOLE_SPHERE: CellRange = ['0'.repeat(16), 'f'.repeat(16)];

/** Leaf cell key of a longitude/latitude point. */
export function pointCell([lng, lat]: Pt): string {
  return hex(S2CellId.fromPoint(S2LatLng.fromDegrees(lat, lng).toPoint()).id);
}

// Regions grow by a hair so that a point exactly on the boundary (a $maxDistance equal to a station's
// distance) is inside the covering despite S2's and our distance formulas rounding differently.
const GROW_ANGLE = 1e-9;
const GROW_DEGREES = 1e-7;

function s2Region(r: GeoRegion): S2Region | undefined {
  if (r.kind === 'all') return undefined;
  if (r.kind === 'cap') {
    if (r.angle >= Math.PI) return undefined;
    const centre = S2LatLng.fromDegrees(r.centre[1], r.centre[0]).toPoint();
    return S2Cap.fromAxisAngle(centre, S1Angle.radians(r.angle * (1 + 1e-9) + GROW_ANGLE));
  }
  const latLo = Math.max(-90, r.latLo - GROW_DEGREES), latHi = Math.min(90, r.latHi + GROW_DEGREES);
  let lngLo = r.lngLo - GROW_DEGREES, lngHi = r.lngHi + GROW_DEGREES;
  if (lngHi - lngLo >= 360 || lngLo < -180 || lngHi > 180) [lngLo, lngHi] = [-180, 180]; // wraps: take every longitude
  return S2LatLngRect.fromLatLng(S2LatLng.fromDegrees(latLo, lngLo), S2LatLng.fromDegrees(latHi, lngHi));
}

const coverer = new S2RegionCoverer().setMaxCells(32).setMaxLevel(30);

/** Key ranges (inclusive, sorted, merged) covering the region: every point inside has its leaf key in one of them. */
export function coverRanges(region: GeoRegion): CellRange[] {
  const s2 = s2Region(region);
  if (!s2) return [WHOLE_SPHERE];
  const cells = coverer.getCoveringCells(s2).map((c) => [c.rangeMin().id, c.rangeMax().id] as [bigint, bigint]);
  cells.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [lo, hi] of cells) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else merged.push([lo, hi]);
  }
  return merged.map(([lo, hi]) => [hex(lo), hex(hi)]);
}

/** `ranges` less what `done` (sorted, disjoint) already covers, so a growing search reads no key twice. */
export function subtractRanges(ranges: CellRange[], done: CellRange[]): CellRange[] {
  const out: CellRange[] = [];
  for (const [lo, hi] of ranges) {
    const w = lo.length;
    let from = BigInt('0x' + lo);
    const to = BigInt('0x' + hi);
    for (const [dLo, dHi] of done) {
      const a = BigInt('0x' + dLo), b = BigInt('0x' + dHi);
      if (b < from || a > to) continue;
      if (a > from) out.push([hex(from, w), hex(a - 1n, w)]);
      from = b + 1n;
      if (from > to) break;
    }
    if (from <= to) out.push([hex(from, w), hex(to, w)]);
  }
  return out;
}

/** Sorted, merged union of two range lists. */
export function unionRanges(a: CellRange[], b: CellRange[]): CellRange[] {
  const all = [...a, ...b].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const w = all[0]?.[0].length ?? 16;
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of all) {
    const l = BigInt('0x' + lo), h = BigInt('0x' + hi);
    const last = out[out.length - 1];
    if (last && l <= last[1] + 1n) last[1] = h > last[1] ? h : last[1];
    else out.push([l, h]);
  }
  return out.map(([lo, hi]) => [hex(lo, w), hex(hi, w)]);
}

/** The values under a dotted path, descending into arrays of subdocuments (a legacy pair stays one value). */
function valuesAt(cur: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(cur);
    return;
  }
  if (Array.isArray(cur)) {
    for (const e of cur) if (e !== null && typeof e === 'object' && !Array.isArray(e)) valuesAt(e, parts, i, out);
    return;
  }
  if (cur !== null && typeof cur === 'object') valuesAt((cur as Record<string, unknown>)[parts[i]], parts, i + 1, out);
}

/** Every point under `path` (GeoJSON, legacy pairs, arrays of them). */
export function pointsAt(doc: unknown, path: string): Pt[] {
  const values: unknown[] = [];
  valuesAt(doc, path.split('.'), 0, values);
  return values.flatMap((v) => docPoints(v));
}

/** The distinct leaf cells of every point under `path`; [] when none. */
export function geoCellsAt(doc: unknown, path: string): string[] {
  const cells = new Set<string>();
  for (const p of pointsAt(doc, path)) if (Math.abs(p[1]) <= 90 && Math.abs(p[0]) <= 180) cells.add(pointCell(p));
  return [...cells];
}
