/**
 * A readable diff for staff: lines compared by longest common subsequence, and changed line pairs refined to
 * characters (Chinese text has no spaces, so words are not a useful unit).
 */
export type Piece = { kind: 'same' | 'ins' | 'del'; text: string };

function lcsTable<T>(a: T[], b: T[]): Uint32Array {
  const w = b.length + 1;
  const t = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
  return t;
}

function diffSeq<T>(a: T[], b: T[]): { kind: Piece['kind']; value: T }[] {
  // Trim the common head and tail first: edits are usually local, and it keeps the table small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const out: { kind: Piece['kind']; value: T }[] = a.slice(0, head).map((value) => ({ kind: 'same' as const, value }));
  if (am.length * bm.length > 4_000_000) {
    // Too big to align: show it as replaced.
    out.push(...am.map((value) => ({ kind: 'del' as const, value })), ...bm.map((value) => ({ kind: 'ins' as const, value })));
  } else {
    const t = lcsTable(am, bm);
    const w = bm.length + 1;
    let i = 0;
    let j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        out.push({ kind: 'same', value: am[i] });
        i++;
        j++;
      } else if (i < am.length && (j === bm.length || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
        // Removals before insertions, so a changed line reads old → new (and can be refined to characters).
        out.push({ kind: 'del', value: am[i++] });
      } else {
        out.push({ kind: 'ins', value: bm[j++] });
      }
    }
  }
  out.push(...a.slice(a.length - tail).map((value) => ({ kind: 'same' as const, value })));
  return out;
}

function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last && last.kind === p.kind) last.text += p.text;
    else if (p.text) out.push({ ...p });
  }
  return out;
}

/** Pieces of text to show: unchanged, inserted (ins) and removed (del). */
export function diffText(before: string, after: string): Piece[] {
  const lines = diffSeq(before.split('\n'), after.split('\n'));
  const pieces: Piece[] = [];
  for (let k = 0; k < lines.length; k++) {
    const cur = lines[k];
    const next = lines[k + 1];
    if (cur.kind === 'del' && next?.kind === 'ins') {
      // A changed line: show which characters changed.
      const chars = diffSeq([...cur.value], [...next.value]);
      pieces.push(...chars.map((c) => ({ kind: c.kind, text: c.value })), { kind: 'same', text: '\n' });
      k++;
    } else pieces.push({ kind: cur.kind, text: `${cur.value}\n` });
  }
  return merge(pieces);
}

/** A value as text for comparison (arrays and objects readable, not JSON noise where avoidable). */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? Object.values(v ?? {}).filter(Boolean).join(' · ') : String(v))).join('\n');
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).filter(Boolean).join(' / ');
  return String(value);
}
