/** Executes filter + sort + skip + limit over a collection using the planner's candidates. */
import type { Document } from 'bson';
import type { Collection, DocRecord } from '../storage/collection';
import { isPlainObject } from '../bson-values';
import { collatedCompare, collatorFor } from './collation';
import { compileFilter } from './matcher';
import { collatedPlan } from './collated-plan';
import { geoIndexFor, nearRecords, type GeoIndexChoice } from './geo-plan';
import { findNear, sortByDistance, type NearCondition } from './near';
import { filterEqualities, planQuery } from './planner';
import { pointQuery } from './point-query';
import { parseSort, sortDocs, type SortField } from './sort';

export interface QuerySpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number; // 0 or undefined = no limit
  /** The command's collation (the collection's default applies when absent). */
  collation?: Document;
}

export interface QueryResult {
  records: DocRecord[];
  stage: string;
  index?: string;
  docsExamined: number;
  /** The filter without `$text`, needed for positional projections. */
  restFilter: Document;
}

function containsString(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (Array.isArray(v)) return v.some(containsString);
  return isPlainObject(v) && Object.values(v).some(containsString);
}

export function runQuery(coll: Collection | undefined, spec: QuerySpec): QueryResult {
  const prepared = prepareQuery(coll, spec);
  if ('records' in prepared) return prepared;
  const { plan, test, sort, skip, limit, near, collator, rest } = prepared;
  if (prepared.inOrder) {
    const out = [...orderedRecords(prepared)];
    return { records: out, stage: plan.stage, index: plan.index, docsExamined: prepared.examined.n, restFilter: rest };
  }
  let examined = 0;
  const out: DocRecord[] = [];
  for (const rec of plan.records()) {
    examined++;
    if (test(rec.doc)) out.push(rec);
  }
  let sorted = sort.length ? sortDocs(out, sort, (r) => r.doc, collatedCompare(collator), limit ? skip + limit : undefined) : near ? sortByDistance(out, near, (r) => r.doc, limit ? skip + limit : undefined) : out;
  if (skip || limit) sorted = sorted.slice(skip, limit ? skip + limit : undefined);
  return { records: sorted, stage: plan.stage, index: plan.index, docsExamined: examined, restFilter: rest };
}

/**
 * The query's documents as the plan reads them, when it reads them in the wanted order (no sort, or one the
 * index gives): an aggregation then holds one document at a time. Undefined when the result must be
 * gathered first (an in-memory sort, `$near`), or is already gathered (a point query).
 */
export function streamQuery(coll: Collection | undefined, spec: QuerySpec): Iterable<DocRecord> | undefined {
  const prepared = prepareQuery(coll, spec);
  if ('records' in prepared || !prepared.inOrder) return undefined;
  return orderedRecords(prepared);
}

interface PreparedQuery {
  plan: ReturnType<typeof planQuery>;
  test: (d: Document) => boolean;
  sort: SortField[];
  skip: number;
  limit: number;
  near: NearCondition | undefined;
  collator: Intl.Collator | undefined;
  rest: Document;
  /** The plan reads the documents in the result's order (a full scan planned without the sort only when there is none). */
  inOrder: boolean;
  examined: { n: number };
}

function prepareQuery(coll: Collection | undefined, spec: QuerySpec): QueryResult | PreparedQuery {
  const point = coll && pointQuery(coll, spec);
  if (point) return point;
  const collation = spec.collation ?? (coll?.options.collation as Document | undefined);
  const collator = collatorFor(collation);
  const { test, rest } = compileFilter(coll, spec.filter, collation);
  if (!coll) return { records: [], stage: 'EOF', docsExamined: 0, restFilter: rest };
  const sort = parseSort(spec.sort);
  const skip = Math.max(0, Math.trunc(Number(spec.skip ?? 0)) || 0);
  const limit = Math.abs(Math.trunc(Number(spec.limit ?? 0)) || 0);
  const near = findNear(rest);
  // Index keys are binary-ordered: a collated query that compares or sorts strings uses only an index with the
  // same collation, in the ways collated-plan.ts keeps exact, or scans the collection.
  // Without strings in the filter and without a sort (`{ _id: oid }` on a collection with a default
  // collation), the collation cannot change the result and the indexes serve as usual.
  const collatedStrings = !!collator && (sort.length > 0 || containsString(spec.filter));
  if (near) {
    const geo = geoIndexFor(coll, near.path, collatedStrings ? new Map() : filterEqualities(spec.filter ?? {}), near.spec.planar);
    if (geo) return nearThroughIndex(coll, geo, near, test, sort, skip, limit, collator, rest);
  }
  // a collated query uses only an index with its collation (collated-plan.ts), or scans
  const collatedIndexPlan = collatedStrings ? collatedPlan(coll, collation!, filterEqualities(spec.filter ?? {}), sort, collator!, limit > 0) : undefined;
  const plan = collatedIndexPlan ?? (collatedStrings || near ? planQuery(coll, {}, []) : planQuery(coll, spec.filter ?? {}, sort));
  const inOrder = plan.sorted && !near && (!collatedStrings || sort.length === 0 || !!collatedIndexPlan);
  return { plan, test, sort, skip, limit, near, collator, rest, inOrder, examined: { n: 0 } };
}

function* orderedRecords(q: PreparedQuery): Generator<DocRecord> {
  let skipped = 0, taken = 0;
  for (const rec of q.plan.records()) {
    q.examined.n++;
    if (!q.test(rec.doc)) continue;
    if (skipped < q.skip) {
      skipped++;
      continue;
    }
    yield rec;
    if (q.limit && ++taken >= q.limit) return;
  }
}

/** `$near`/`$nearSphere` through a 2dsphere (or, planar, a 2d) index: documents arrive nearest first, so a limit stops the search. */
function nearThroughIndex(coll: Collection, geo: GeoIndexChoice, near: NearCondition, test: (d: Document) => boolean, sort: SortField[], skip: number, limit: number, collator: Intl.Collator | undefined, rest: Document): QueryResult {
  const stats = { examined: 0 };
  const out: DocRecord[] = [];
  for (const { rec } of nearRecords(coll, geo, near.path, near.spec, stats)) {
    if (!test(rec.doc)) continue;
    out.push(rec);
    if (!sort.length && limit && out.length >= skip + limit) break;
  }
  const ordered = sort.length ? sortDocs(out, sort, (r) => r.doc, collatedCompare(collator), limit ? skip + limit : undefined) : out;
  return { records: ordered.slice(skip, limit ? skip + limit : undefined), stage: geo.flat ? 'GEO_NEAR_2D' : 'GEO_NEAR_2DSPHERE', index: geo.index.name, docsExamined: stats.examined, restFilter: rest };
}
