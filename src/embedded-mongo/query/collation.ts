/**
 * Collation (MongoDB's ICU collation) through `Intl.Collator`: `{ locale: 'zh' }` orders by pinyin,
 * `strength` 1/2 compare case-insensitively, `numericOrdering`, `caseFirst`, `alternate: 'shifted'`.
 * A collation only changes how strings compare (also inside documents and arrays); every other
 * type compares in BSON order. `locale: 'simple'` (or none) is binary comparison.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { compareBson, isPlainObject, typeRank } from '../bson-values';

export type Compare = (a: unknown, b: unknown) => number;

const FIELDS = new Set(['locale', 'caseLevel', 'caseFirst', 'strength', 'numericOrdering', 'alternate', 'maxVariable', 'normalization', 'backwards', 'version']);
const collators = new Map<string, Intl.Collator>();

/** The collator of a collation spec, or undefined for the simple (binary) collation. Throws mongod's errors on a bad spec. */
export function collatorFor(spec: unknown): Intl.Collator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isPlainObject(spec)) throw new CommandError('TypeMismatch', "BSON field 'collation' is the wrong type, expected type 'object'");
  for (const k of Object.keys(spec)) if (!FIELDS.has(k)) throw new CommandError('Location40415', `BSON field 'Collation.${k}' is an unknown field.`);
  if (typeof spec.locale !== 'string') throw new CommandError('Location40414', "BSON field 'Collation.locale' is missing but a required field");
  if (spec.locale === 'simple') return undefined;
  const key = JSON.stringify(spec);
  let c = collators.get(key);
  if (!c) {
    if (!Intl.Collator.supportedLocalesOf([spec.locale.replace(/@.*$/, '').replace(/_/g, '-')]).length && spec.locale !== 'root') {
      throw new CommandError('BadValue', `Field 'locale' is invalid in: ${JSON.stringify(spec)}`);
    }
    c = new Intl.Collator(icuLocale(spec.locale), options(spec));
    collators.set(key, c);
  }
  return c;
}

function icuLocale(locale: string): string {
  if (locale === 'root') return 'und';
  // MongoDB's locale ids use '_' and ICU keywords (`zh@collation=stroke`); Intl wants BCP 47
  const [base, keywords] = locale.split('@');
  const tag = base.replace(/_/g, '-');
  const co = /collation=(\w+)/.exec(keywords ?? '')?.[1];
  return co ? `${tag}-u-co-${co === 'pinyin' ? 'pinyin' : co}` : tag;
}

function options(spec: Document): Intl.CollatorOptions {
  const strength = Number(spec.strength ?? 3);
  let sensitivity: Intl.CollatorOptions['sensitivity'] = strength <= 1 ? 'base' : strength === 2 ? 'accent' : 'variant';
  if (spec.caseLevel === true && strength <= 2) sensitivity = strength <= 1 ? 'case' : 'variant';
  return {
    sensitivity,
    numeric: spec.numericOrdering === true,
    caseFirst: spec.caseFirst === 'upper' || spec.caseFirst === 'lower' ? spec.caseFirst : 'false',
    ignorePunctuation: spec.alternate === 'shifted',
    usage: 'sort',
  };
}

/** mongod's full form of a collation as listIndexes / listCollections show it. */
export function normaliseCollation(spec: Document): Document {
  collatorFor(spec);
  if (spec.locale === 'simple') return { locale: 'simple' };
  return {
    locale: spec.locale,
    caseLevel: spec.caseLevel ?? false,
    caseFirst: spec.caseFirst ?? 'off',
    strength: spec.strength ?? 3,
    numericOrdering: spec.numericOrdering ?? false,
    alternate: spec.alternate ?? 'non-ignorable',
    maxVariable: spec.maxVariable ?? 'punct',
    normalization: spec.normalization ?? false,
    backwards: spec.backwards ?? false,
    version: '57.1',
  };
}

/** BSON comparison where strings (also nested in documents and arrays) compare by the collator. */
export function collatedCompare(collator: Intl.Collator | undefined): Compare {
  if (!collator) return compareBson;
  const cmp: Compare = (a, b) => {
    if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
    const ra = typeRank(a), rb = typeRank(b);
    if (ra !== rb) return compareBson(a, b);
    if (ra === 3) return collator.compare(String(a), String(b));
    if (ra === 5) {
      const xa = a as unknown[], xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = cmp(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return Math.sign(xa.length - xb.length);
    }
    if (ra === 4 && isPlainObject(a) && isPlainObject(b)) {
      const ka = Object.keys(a), kb = Object.keys(b);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const tr = typeRank(a[ka[i]]) - typeRank(b[kb[i]]);
        if (tr !== 0) return tr < 0 ? -1 : 1;
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = cmp(a[ka[i]], b[kb[i]]);
        if (c !== 0) return c;
      }
      return Math.sign(ka.length - kb.length);
    }
    return compareBson(a, b);
  };
  return cmp;
}

/** The collation a command runs with: its own, else the collection's default (views and indexes keep theirs). */
export function effectiveCollation(cmdCollation: unknown, collectionOptions: Document | undefined): Document | undefined {
  if (cmdCollation !== undefined && cmdCollation !== null) return cmdCollation as Document;
  return (collectionOptions?.collation as Document | undefined) ?? undefined;
}
