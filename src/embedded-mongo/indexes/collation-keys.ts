/**
 * Index keys under an index's collation. ICU's sort keys (`ucol_getSortKey`, which mongod stores) are not exposed
 * by `Intl.Collator`, which only compares two strings; byte keys in the collator's *order* would need a persistent
 * order-maintenance dictionary of every distinct string (binary-searched with the collator on each insert).
 * What is built instead: each string becomes a canonical member of its equivalence class at the collation's
 * strength — Unicode normalisation (compatibility forms at strength ≤ 2, where ICU treats width and compatibility
 * variants as tertiary differences), accents dropped at strength 1, full case folding at strength ≤ 2 unless
 * `caseLevel`, punctuation and spaces dropped with `alternate: 'shifted'`, leading zeros dropped with
 * `numericOrdering`, default-ignorable code points dropped. Equal keys ⇔ equal under the collator for the cases a
 * collated index is used for (case/width/accent-insensitive uniqueness and equality), so a unique index with
 * `{ locale, strength: 2 }` refuses 'Alpha' beside 'alpha'. The keys' order is binary, not the collator's:
 * sorts and ranges under a collation still run in memory (the planner never walks a collated index in order).
 */
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values';

export type StringFolder = (s: string) => string;

function caseLocale(locale: string): string | undefined {
  const base = locale.split('@')[0].replace(/_/g, '-');
  return base === 'root' || base === '' ? undefined : base;
}

/** The string → key function of a collation, or undefined for the simple (binary) collation. */
export function collationFolder(collation: Document | undefined): StringFolder | undefined {
  if (!collation || typeof collation.locale !== 'string' || collation.locale === 'simple') return undefined;
  const strength = Number(collation.strength ?? 3);
  if (strength >= 5) return (s) => s.normalize('NFD'); // identical: canonical equivalents are still equal
  const foldCase = strength <= 2 && collation.caseLevel !== true;
  const dropAccents = strength <= 1;
  const shifted = collation.alternate === 'shifted' && strength <= 3;
  const numeric = collation.numericOrdering === true;
  const locale = caseLocale(collation.locale);
  return (s) => {
    let t = s.normalize(strength <= 2 ? 'NFKD' : 'NFD');
    if (dropAccents) t = t.replace(/\p{M}/gu, '');
    // ICU: ß equals ss at strength 1 only (upper-casing first maps ß → SS → ss), a secondary difference at 2
    if (foldCase) t = dropAccents ? t.toLocaleUpperCase(locale).toLocaleLowerCase(locale) : t.toLocaleLowerCase(locale);
    if (shifted) t = t.replace(/[\p{P}\p{Z}]/gu, '');
    if (numeric) t = t.replace(/\d+/g, (d) => d.replace(/^0+(?=\d)/, ''));
    return t.replace(/\p{Default_Ignorable_Code_Point}/gu, '');
  };
}

/** `value` with every string in it (also inside arrays and embedded documents) replaced by its collation key. */
export function foldValue(value: unknown, fold: StringFolder): unknown {
  if (typeof value === 'string') return fold(value);
  if (Array.isArray(value)) return value.map((v) => foldValue(v, fold));
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = foldValue(v, fold);
    return out;
  }
  return value;
}
