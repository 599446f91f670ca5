/**
 * What changed between two saved versions of an item, field by field, for people to read: text fields as a line
 * diff whose changed lines carry a word diff (Chinese segmented into words with Intl.Segmenter), other fields as
 * before/after values. Built on jsdiff.
 */
import type * as Diff from 'diff';

/** The diff library loads with the first comparison a person asks for, not at start. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
const diffLib = () => require('diff') as typeof Diff;
import { isDeepStrictEqual } from 'node:util';

export type DiffOp = 'equal' | 'insert' | 'delete';

export interface WordChange {
  op: DiffOp;
  text: string;
}

export interface LineChange {
  op: DiffOp;
  text: string;
  /** On a changed line (a deletion paired with the insertion that replaced it): what changed within it. */
  words?: WordChange[];
}

export type FieldDiff =
  | { field: string; type: 'text'; changed: boolean; lines: LineChange[]; added: number; removed: number }
  | { field: string; type: 'value'; changed: boolean; before: unknown; after: unknown };

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });

const opOf = (c: { added?: boolean; removed?: boolean }): DiffOp => (c.added ? 'insert' : c.removed ? 'delete' : 'equal');

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function wordChanges(before: string, after: string): WordChange[] {
  return diffLib().diffWords(before, after, { intlSegmenter: segmenter }).map((c) => ({ op: opOf(c), text: c.value }));
}

export function textDiff(before: string, after: string): { lines: LineChange[]; added: number; removed: number } {
  const lines: LineChange[] = [];
  let added = 0;
  let removed = 0;
  const parts = diffLib().diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (part.removed && next?.added) {
      // A replaced block: pair old and new lines one to one, each pair with its word diff.
      const olds = splitLines(part.value);
      const news = splitLines(next.value);
      const pairs = Math.min(olds.length, news.length);
      for (let j = 0; j < pairs; j++) {
        const words = wordChanges(olds[j], news[j]);
        lines.push({ op: 'delete', text: olds[j], words: words.filter((w) => w.op !== 'insert') });
        lines.push({ op: 'insert', text: news[j], words: words.filter((w) => w.op !== 'delete') });
      }
      for (const text of olds.slice(pairs)) lines.push({ op: 'delete', text });
      for (const text of news.slice(pairs)) lines.push({ op: 'insert', text });
      removed += olds.length;
      added += news.length;
      i++;
      continue;
    }
    const op = opOf(part);
    for (const text of splitLines(part.value)) lines.push({ op, text });
    if (op === 'insert') added += part.count ?? 0;
    if (op === 'delete') removed += part.count ?? 0;
  }
  return { lines, added, removed };
}

/** Every field either version has, in `order` first (the kind's editable fields), then any others. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, order: readonly string[]): FieldDiff[] {
  const names = [...new Set([...order, ...Object.keys(before), ...Object.keys(after)])].filter((f) => f in before || f in after);
  return names.map((field): FieldDiff => {
    const a = before[field];
    const b = after[field];
    const isText = (v: unknown) => typeof v === 'string' || v === undefined || v === null;
    if (isText(a) && isText(b)) {
      const { lines, added, removed } = textDiff(String(a ?? ''), String(b ?? ''));
      return { field, type: 'text', changed: (a ?? '') !== (b ?? ''), lines, added, removed };
    }
    // A field a version never set and one set to its empty default (a create stores fewer fields than a save) are alike.
    const changed = !(isEmpty(a) && isEmpty(b)) && !isDeepStrictEqual(a ?? null, b ?? null);
    return { field, type: 'value', changed, before: a ?? null, after: b ?? null };
  });
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.values(v as object).every(isEmpty);
}
