/** Executes filter + sort + skip + limit over a collection using the planner's candidates. */
import type { Document } from 'bson';
import type { Collection, DocRecord } from '../storage/collection';
import { compileFilter } from './matcher';
import { planQuery } from './planner';
import { parseSort, sortDocs } from './sort';

export interface QuerySpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number; // 0 or undefined = no limit
}

export interface QueryResult {
  records: DocRecord[];
  stage: string;
  index?: string;
  docsExamined: number;
  /** The filter without `$text`, needed for positional projections. */
  restFilter: Document;
}

export function runQuery(coll: Collection | undefined, spec: QuerySpec): QueryResult {
  const { test, rest } = compileFilter(coll, spec.filter);
  if (!coll) return { records: [], stage: 'EOF', docsExamined: 0, restFilter: rest };
  const sort = parseSort(spec.sort);
  const skip = Math.max(0, Math.trunc(Number(spec.skip ?? 0)) || 0);
  const limit = Math.abs(Math.trunc(Number(spec.limit ?? 0)) || 0);
  const plan = planQuery(coll, spec.filter ?? {}, sort);
  let examined = 0;
  const out: DocRecord[] = [];
  if (plan.sorted) {
    let skipped = 0;
    for (const rec of plan.records()) {
      examined++;
      if (!test(rec.doc)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(rec);
      if (limit && out.length >= limit) break;
    }
    return { records: out, stage: plan.stage, index: plan.index, docsExamined: examined, restFilter: rest };
  }
  for (const rec of plan.records()) {
    examined++;
    if (test(rec.doc)) out.push(rec);
  }
  let sorted = sortDocs(out, sort, (r) => r.doc);
  if (skip || limit) sorted = sorted.slice(skip, limit ? skip + limit : undefined);
  return { records: sorted, stage: plan.stage, index: plan.index, docsExamined: examined, restFilter: rest };
}
