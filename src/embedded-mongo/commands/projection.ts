/** Projection through mingo; `$meta` (textScore) fields are dropped since there is no scoring. */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { deepClone } from '../bson-values';

let EMPTY_QUERY: Query | undefined;

export function compileProjection(projection: Document | undefined, filter: Document): ((docs: Document[]) => Document[]) | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const spec: Document = {};
  for (const [k, v] of Object.entries(projection)) {
    if (v && typeof v === 'object' && '$meta' in (v as Document)) continue;
    spec[k] = v;
  }
  if (Object.keys(spec).length === 0) return undefined;
  // The query is only needed to resolve positional `field.$` projections.
  const positional = Object.keys(spec).some((k) => k.endsWith('.$'));
  const q = positional ? new Query(filter) : (EMPTY_QUERY ??= new Query({}));
  // mingo removes an excluded nested field in place, in sub-documents it shares with the stored document;
  // project a copy so a read can never change what is stored.
  const nestedExclusion = Object.entries(spec).some(([k, v]) => k.includes('.') && !v);
  if (nestedExclusion) return (docs) => q.find(docs.map(deepClone), spec).all() as Document[];
  return (docs) => q.find(docs, spec).all() as Document[];
}

export function projectOne(doc: Document, projection: Document | undefined, filter: Document): Document {
  const p = compileProjection(projection, filter);
  return p ? p([doc])[0] : doc;
}
