/**
 * Keys of a `2d` index (flat, legacy coordinate pairs): like mongod's geohash, each coordinate is quantized to
 * 26 bits over the index's [min, max) and the bits are interleaved (x, y, x, y, … from the top: a Z-order curve),
 * written as 13 hex digits so that the key's byte order is the curve's order. A quadtree cell at any depth is then
 * one contiguous key range, and a box is scanned as the ranges of the few cells that cover it. (S2 would be wrong
 * here: a 2d index's plane is not the sphere, and its bounds need not be longitude/latitude.)
 */
type Pt = [number, number];

/** A box in the index's coordinates, bounds included. */
export interface FlatBox {
  xLo: number;
  yLo: number;
  xHi: number;
  yHi: number;
}

export type FlatRange = [string, string];

const BITS = 26;
const DIGITS = 13; // 52 bits
/** At most this many cells cover a box (partly covered cells at the deepest level are taken whole). */
const MAX_CELLS = 64;

function quantize(v: number, min: number, max: number): number {
  const q = Math.floor(((v - min) / (max - min)) * 2 ** BITS);
  return Math.min(2 ** BITS - 1, Math.max(0, q));
}

function interleave(x: number, y: number): bigint {
  let code = 0n;
  for (let b = BITS - 1; b >= 0; b--) code = (code << 2n) | (BigInt((x >>> b) & 1) << 1n) | BigInt((y >>> b) & 1);
  return code;
}

const hex = (code: bigint) => code.toString(16).padStart(DIGITS, '0');

/** The key of a point of a 2d index with bounds [min, max). */
export function flatCell([x, y]: Pt, min: number, max: number): string {
  return hex(interleave(quantize(x, min, max), quantize(y, min, max)));
}

/** The distinct keys of a document's points under the index's field; [] when there are none. */
export function flatCellsOf(points: Pt[], min: number, max: number): string[] {
  return [...new Set(points.map((p) => flatCell(p, min, max)))];
}

/**
 * Key ranges (inclusive, sorted, merged) holding the key of every point in `box`: the quadtree cells inside it,
 * refined level by level while fewer than MAX_CELLS, cells only partly inside taken whole at the end.
 */
export function flatCoverRanges(box: FlatBox, min: number, max: number): FlatRange[] {
  const qx0 = quantize(box.xLo, min, max), qx1 = quantize(box.xHi, min, max);
  const qy0 = quantize(box.yLo, min, max), qy1 = quantize(box.yHi, min, max);
  if (box.xHi < min || box.yHi < min || box.xLo >= max || box.yLo >= max) return [];
  const covered: [bigint, number][] = []; // (cell code, level)
  let partial: [number, number, number][] = [[0, 0, 0]]; // (x index, y index, level): the cell's corner in cells of its level
  while (partial.length > 0) {
    const next: [number, number, number][] = [];
    for (const [cx, cy, level] of partial) {
      const shift = BITS - level;
      const x0 = cx * 2 ** shift, x1 = (cx + 1) * 2 ** shift - 1, y0 = cy * 2 ** shift, y1 = (cy + 1) * 2 ** shift - 1;
      if (x1 < qx0 || x0 > qx1 || y1 < qy0 || y0 > qy1) continue;
      if ((x0 >= qx0 && x1 <= qx1 && y0 >= qy0 && y1 <= qy1) || level === BITS) covered.push([interleave(x0, y0) >> BigInt(2 * shift), level]);
      else for (const [dx, dy] of [[0, 0], [0, 1], [1, 0], [1, 1]]) next.push([2 * cx + dx, 2 * cy + dy, level + 1]);
    }
    if (covered.length + next.length > MAX_CELLS) {
      // stop refining: the children's parents are taken whole
      for (const [cx, cy, level] of next.filter((_, i) => i % 4 === 0)) covered.push([interleave((cx >> 1) * 2 ** (BITS - level + 1), (cy >> 1) * 2 ** (BITS - level + 1)) >> BigInt(2 * (BITS - level + 1)), level - 1]);
      break;
    }
    partial = next;
  }
  const ranges = covered.map(([code, level]): [bigint, bigint] => {
    const span = BigInt(2 * (BITS - level));
    return [code << span, ((code + 1n) << span) - 1n];
  });
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [lo, hi] of ranges) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else merged.push([lo, hi]);
  }
  return merged.map(([lo, hi]) => [hex(lo), hex(hi)]);
}
